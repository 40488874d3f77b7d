//! FAPI 1.0 Advanced: the request object (PS256/ES256, the registered certificate, the audience),
//! private_key_jwt client assertions, and the ID token's nonce.

use super::*;

// ---- FAPI 1.0 Advanced: the request object, client assertions, the ID token's nonce ------

/// A fresh key (RSA, or EC P-256) and its certificate, written as `NAME.key` and `NAME.crt`.
fn client_files(
    home: &Home,
    name: &str,
    algorithm: &'static rcgen::SignatureAlgorithm,
) -> (PathBuf, PathBuf) {
    let key = rcgen::KeyPair::generate_for(algorithm).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["client.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (
        home.write_file(&format!("{name}.key"), &key.serialize_pem(), 0o600),
        home.write_file(&format!("{name}.crt"), &cert.pem(), 0o644),
    )
}

/// The sandbox with `cert` registered: request objects must be signed by its key.
fn registered_sandbox(home: &Home, cert: &std::path::Path) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-cert", cert.to_str().unwrap()])
}

/// A sandbox with a fresh RSA client registered, and the profile `ob` for that client.
fn sandbox_and_profile(home: &Home, client_id: &str) -> ServedSandbox {
    let (key, cert) = client_files(home, "client", &rcgen::PKCS_RSA_SHA256);
    let sandbox = registered_sandbox(home, &cert);
    configure_with(home, &sandbox, client_id, (&key, &cert), "");
    sandbox
}

/// An open-banking profile `ob` on this sandbox signing with `files` (key, certificate),
/// redirected to a free loopback port; `extra` adds profile lines.
fn configure_with(
    home: &Home,
    sandbox: &ServedSandbox,
    client_id: &str,
    files: (&std::path::Path, &std::path::Path),
    extra: &str,
) {
    let root = format!("{}/open-banking", sandbox.base_url());
    let port = free_port();
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{root}/v3.1/aisp\"\n\
         token_url = \"{root}/token\"\nauthorize_url = \"{root}/authorize\"\n\
         redirect_uri = \"http://127.0.0.1:{port}/callback\"\nclient_id = \"{client_id}\"\n\
         key = \"{}\"\ncert = \"{}\"\nconsent_days = 30\n{extra}",
        files.0.display(),
        files.1.display()
    ));
}

/// The header and claims of a compact JWS, undecoded signature ignored.
fn jws_parts(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    use base64::Engine as _;
    let part = |n: usize| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(n).unwrap())
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    (part(0), part(1))
}

/// What the request object of `url` says, checked against FAPI 1.0 Advanced and the UK profile.
fn fapi_request_object(url: &str, alg: &str, kid: &str, aud: &str) {
    let (header, claims) = jws_parts(&query_value(url, "request"));
    assert_eq!(header["alg"], alg, "{header}");
    assert_eq!(header["kid"], kid, "{header}");
    assert_eq!(claims["aud"], aud, "{claims}");
    let (nbf, exp) = (
        claims["nbf"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert!(exp > nbf && exp - nbf <= 3600, "{claims}");
    let acr = &claims["claims"]["id_token"]["acr"];
    assert_eq!(acr["essential"], true, "{claims}");
    assert_eq!(acr["values"][0], "urn:openbanking:psd2:sca", "{claims}");
    assert_eq!(claims["nonce"], query_value(url, "nonce"));
}

fn thumbprint(cert: &std::path::Path) -> String {
    use base64::Engine as _;
    let pem = std::fs::read_to_string(cert).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

#[test]
fn request_objects_are_ps256_or_es256_and_verified_with_the_registered_certificate() {
    let cases: [(&'static rcgen::SignatureAlgorithm, &str, &str); 2] = [
        (&rcgen::PKCS_RSA_SHA256, "PS256", ""),
        (
            &rcgen::PKCS_ECDSA_P256_SHA256,
            "ES256",
            "signing_kid = \"dir-kid-7\"\n",
        ),
    ];
    for (algorithm, alg, extra) in cases {
        let home = Home::new();
        let (key, cert) = client_files(&home, "client", algorithm);
        let sandbox = registered_sandbox(&home, &cert);
        configure_with(&home, &sandbox, "sandbox", (&key, &cert), extra);
        let (login, url, _) = log_in(&home, &[]);
        login.code(0).stderr_has("Logged in as profile 'ob'");
        let kid = match extra.is_empty() {
            true => thumbprint(&cert),
            false => "dir-kid-7".to_string(),
        };
        fapi_request_object(&url, alg, &kid, sandbox.base_url());
    }
}

#[test]
fn the_sandbox_refuses_a_request_object_of_another_key_rs256_or_another_audience() {
    let home = Home::new();
    let (_, registered) = client_files(&home, "registered", &rcgen::PKCS_RSA_SHA256);
    let (key, cert) = client_files(&home, "other", &rcgen::PKCS_RSA_SHA256);
    let sandbox = registered_sandbox(&home, &registered);
    configure_with(&home, &sandbox, "sandbox", (&key, &cert), "");
    let login = start_login(&home, &[], &["--wait", "3"]);
    let url = login.authorize_url();
    let (status, _, page) = http("GET", &url, "");
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("does not verify with the registered certificate"),
        "{page}"
    );
    // The same claims signed RS256 with the registered client's key are refused too.
    let (_, claims) = jws_parts(&query_value(&url, "request"));
    let registered_key = std::fs::read(home.path().join("registered.key")).unwrap();
    let rs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(&registered_key).unwrap(),
    )
    .unwrap();
    let forged = url.replace(&enc(&query_value(&url, "request")), &enc(&rs256));
    assert_ne!(forged, url);
    let (status, _, page) = http("GET", &forged, "");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("only PS256 and ES256"), "{page}");
    login.finish().code(3).stderr_has("did not come back");
    nothing_stored(&home);

    // A profile naming another issuer signs for that audience, which this server is not.
    configure_with(
        &home,
        &sandbox,
        "sandbox",
        (&home.path().join("registered.key"), &registered),
        "issuer = \"https://auth.other.example\"\n",
    );
    let login = start_login(&home, &[], &["--wait", "3"]);
    let url = login.authorize_url();
    let (_, claims) = jws_parts(&query_value(&url, "request"));
    assert_eq!(claims["aud"], "https://auth.other.example");
    let (status, _, page) = http("GET", &url, "");
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("aud must be this authorization server"),
        "{page}"
    );
    login.finish().code(3);
}

#[test]
fn an_id_token_naming_another_nonce_stores_nothing() {
    let home = Home::new();
    let _sandbox = sandbox_and_profile(&home, "sandbox-wrong-nonce");
    let (login, _, _) = log_in(&home, &[]);
    login
        .code(3)
        .stderr_has("ID token does not carry this login's nonce")
        .stderr_has("nothing was stored");
    nothing_stored(&home);
}

#[test]
fn private_key_jwt_client_assertions_are_signed_like_the_request_object() {
    // The sandbox's token endpoint takes PS256 or ES256 assertions by the registered key only.
    for algorithm in [&rcgen::PKCS_RSA_SHA256, &rcgen::PKCS_ECDSA_P256_SHA256] {
        let home = Home::new();
        let (key, cert) = client_files(&home, "client", algorithm);
        let sandbox = registered_sandbox(&home, &cert);
        let extra = "auth = \"private-key-jwt\"\n";
        configure_with(&home, &sandbox, "sandbox", (&key, &cert), extra);
        let (login, _, _) = log_in(&home, &[]);
        login.code(0).stderr_has("Logged in as profile 'ob'");
        let before = token_requests(&sandbox);
        let path = home.credentials_path();
        let mut file: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        file["profiles"]["ob"].as_table_mut().unwrap().insert(
            "token_expires_at".into(),
            toml::Value::String("2020-01-01T00:00:00Z".into()),
        );
        std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
        let balances = ob(&home, &["balances", "-f", "csv"]);
        balances.code(0).stdout_has("GBP");
        assert_eq!(token_requests(&sandbox), before + 1, "{balances}");
    }
    // An assertion signed by a key other than the registered one is refused.
    let home = Home::new();
    let (_, registered) = client_files(&home, "registered", &rcgen::PKCS_RSA_SHA256);
    let (key, cert) = client_files(&home, "other", &rcgen::PKCS_RSA_SHA256);
    let sandbox = registered_sandbox(&home, &registered);
    let extra = "auth = \"private-key-jwt\"\n";
    configure_with(&home, &sandbox, "sandbox", (&key, &cert), extra);
    let refused = ob(&home, &["login", "--store", "file", "--wait", "5"]);
    refused
        .code(3)
        .stderr_has("does not verify with the registered certificate");
    nothing_stored(&home);
}
