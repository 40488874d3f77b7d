//! The sandbox authorization server's checks of a request object, as a FAPI 1.0 Advanced and UK
//! Open Banking one makes them: signed PS256 or ES256 (never RS256), by the key of the registered
//! client certificate when the sandbox has one (`sandbox serve --client-cert`); `nbf` and `exp`
//! present, at most 60 minutes apart and around now; `aud` this server's issuer; the `acr`
//! of strong customer authentication requested as essential.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::oauth::fapi;
use crate::sandbox::ClientCert;

/// The longest `exp` - `nbf` FAPI 1.0 Advanced allows.
const MAX_SPAN_SECS: i64 = 60 * 60;
/// Clock difference tolerated on `nbf` and `exp`.
const SKEW_SECS: i64 = 60;

/// The claims of a request object that passes every check; else why not (never quoting it).
pub fn check(
    jwt: &str,
    cert: Option<&ClientCert>,
    issuers: &[String],
    now: DateTime<Utc>,
) -> Result<Value, String> {
    let why = |e: String| format!("the request object is refused: {e}");
    let claims = match cert {
        Some(cert) => fapi::verify(jwt, cert.der()).map(|v| v.claims),
        None => fapi::read(jwt).map(|(_, claims)| claims),
    }
    .map_err(why)?;
    times(&claims, now.timestamp()).map_err(why)?;
    audience(&claims, issuers).map_err(why)?;
    acr(&claims).map_err(why)?;
    Ok(claims)
}

fn times(claims: &Value, now: i64) -> Result<(), String> {
    let (Some(nbf), Some(exp)) = (claims["nbf"].as_i64(), claims["exp"].as_i64()) else {
        return Err("nbf and exp are required".into());
    };
    if exp - nbf > MAX_SPAN_SECS {
        return Err(format!(
            "exp is {} s after nbf; at most {MAX_SPAN_SECS} are allowed",
            exp - nbf
        ));
    }
    if nbf > now + SKEW_SECS {
        return Err("nbf is in the future".into());
    }
    if exp <= now - SKEW_SECS {
        return Err("it has expired".into());
    }
    Ok(())
}

fn audience(claims: &Value, issuers: &[String]) -> Result<(), String> {
    let named = |aud: &str| {
        issuers
            .iter()
            .any(|i| i.trim_end_matches('/') == aud.trim_end_matches('/'))
    };
    let ok = match &claims["aud"] {
        Value::String(aud) => named(aud),
        Value::Array(auds) => auds.iter().filter_map(Value::as_str).any(named),
        _ => false,
    };
    match ok {
        true => Ok(()),
        false => Err(format!(
            "aud must be this authorization server's issuer ({})",
            issuers.first().map_or("", String::as_str)
        )),
    }
}

fn acr(claims: &Value) -> Result<(), String> {
    let acr = &claims["claims"]["id_token"]["acr"];
    let sca = crate::bank::openbanking::consent::ACR_SCA;
    let asked = acr["value"] == sca
        || acr["values"]
            .as_array()
            .is_some_and(|v| v.iter().any(|x| x == sca));
    match acr["essential"] == true && asked {
        true => Ok(()),
        false => Err(format!(
            "claims.id_token.acr must ask for {sca} as essential"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good(now: i64) -> Value {
        json!({
            "aud": "http://127.0.0.1:9", "nbf": now, "exp": now + 300,
            "claims": {"id_token": {"acr": {"essential": true, "values": ["urn:openbanking:psd2:sca"]}}},
        })
    }

    #[test]
    fn times_audience_and_acr_are_checked() {
        let now = 1_800_000_000;
        let issuers = vec!["http://127.0.0.1:9".to_string()];
        let claims = good(now);
        assert_eq!(times(&claims, now), Ok(()));
        assert_eq!(audience(&claims, &issuers), Ok(()));
        assert_eq!(acr(&claims), Ok(()));
        let mut long = good(now);
        long["exp"] = json!(now + 3601);
        assert!(times(&long, now).unwrap_err().contains("at most 3600"));
        let mut expired = good(now - 1000);
        expired["exp"] = json!(now - 900);
        assert!(times(&expired, now).is_err());
        let mut other = good(now);
        other["aud"] = json!("https://elsewhere");
        assert!(audience(&other, &issuers).is_err());
        let mut optional = good(now);
        optional["claims"]["id_token"]["acr"]["essential"] = json!(false);
        assert!(acr(&optional).is_err());
    }
}
