//! Exact amounts off the wire, for every provider: JSON numbers read digit for digit into
//! decimals, never through a binary float, and refused rather than rounded.

/// Amounts as JSON numbers, read digit for digit (serde_json's `arbitrary_precision`): a number
/// a `Decimal` could only hold by rounding is refused, never rounded.
pub mod exact_amount {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(amount: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision::serialize(amount, serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        parse(number.as_str()).map_err(serde::de::Error::custom)
    }

    pub fn parse(text: &str) -> Result<Decimal, String> {
        let refused = |why: String| format!("amount {text} cannot be held exactly ({why})");
        let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
            return Decimal::from_str_exact(text).map_err(|e| refused(e.to_string()));
        };
        // Exponent notation is legal JSON; no bank has been seen to send it. The mantissa is
        // read exactly, then moved by the exponent, so nothing is rounded on the way.
        let mantissa = Decimal::from_str_exact(mantissa).map_err(|e| refused(e.to_string()))?;
        let exponent: i64 = exponent
            .parse()
            .map_err(|_| refused("a bad exponent".into()))?;
        shift(mantissa, exponent).ok_or_else(|| refused("out of range".into()))
    }

    /// `value` times ten to the `exponent`, or `None` where a decimal cannot hold it exactly.
    fn shift(mut value: Decimal, exponent: i64) -> Option<Decimal> {
        if exponent < 0 {
            let scale = i64::from(value.scale()) - exponent;
            let scale = u32::try_from(scale)
                .ok()
                .filter(|s| *s <= Decimal::MAX_SCALE)?;
            value.set_scale(scale).ok()?;
            return Some(value);
        }
        (0..exponent).try_fold(value, |v, _| v.checked_mul(Decimal::TEN))
    }
}

#[cfg(test)]
mod tests {
    use super::exact_amount::parse;

    #[test]
    fn exponents_move_exact_digits_and_never_round() {
        assert_eq!(parse("1.25e2").unwrap().to_string(), "125.00");
        assert_eq!(parse("125E-2").unwrap().to_string(), "1.25");
        assert_eq!(
            parse("-4681826093.93").unwrap().to_string(),
            "-4681826093.93"
        );
        // 30 significant digits: a decimal could only round them, so they are refused.
        assert!(parse("1.23456789012345678901234567891e3").is_err());
        assert!(parse("1e-29").is_err());
        assert!(parse("1e29").is_err());
    }
}

/// `exact_amount` for optional fields: absent or `null` is `None`.
pub mod exact_amount_opt {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        amount: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match amount {
            Some(amount) => super::exact_amount::serialize(amount, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        match Option::<serde_json::Number>::deserialize(deserializer)? {
            Some(number) => super::exact_amount::parse(number.as_str())
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
