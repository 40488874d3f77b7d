//! Exact amounts off the wire, for every provider: JSON numbers read digit for digit into
//! decimals, never through a binary float, and refused rather than rounded.

/// Amounts as JSON numbers, read digit for digit (serde_json's `arbitrary_precision`): a number
/// a `Decimal` could only hold by rounding is refused, never rounded.
pub mod exact_amount {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(amount: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision::serialize(amount, serializer)
    }

    /// Parsed from the digits serde_json scanned, without making a `serde_json::Number` of
    /// them first (a second copy and a second pass): amounts are most of a large answer.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(Amount)
    }

    /// serde_json's `arbitrary_precision` hands a number over as a one-entry map whose key is
    /// this token and whose value is the number's text.
    const NUMBER_TOKEN: &str = "$serde_json::private::Number";

    struct Amount;

    impl<'de> Visitor<'de> for Amount {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON number")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
            match map.next_key_seed(Token)? {
                Some(true) => map.next_value_seed(Digits),
                _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
            }
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        /// From a parsed `serde_json::Value`, serde_json hands a number over as a float only
        /// when its shortest form is the text it was written as: reading that form back is
        /// exact (trailing zeros aside, which the currency's places restore).
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            parse(&format!("{v}")).map_err(E::custom)
        }
    }

    /// Whether a map key is serde_json's number token.
    struct Token;

    impl<'de> DeserializeSeed<'de> for Token {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl Visitor<'_> for Token {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            Ok(v == NUMBER_TOKEN)
        }
    }

    /// A number's text, parsed where it lies.
    struct Digits;

    impl<'de> DeserializeSeed<'de> for Digits {
        type Value = Decimal;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl Visitor<'_> for Digits {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON number")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
            parse(text).map_err(E::custom)
        }
    }

    /// The largest exponent read: a decimal holds 28 digits, so anything further out is
    /// either zero written oddly or out of range.
    const MAX_EXPONENT: i64 = 64;

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
        if exponent.unsigned_abs() > MAX_EXPONENT.unsigned_abs() {
            // Bounded so that a zero with a huge exponent (`0e100000000000`) is refused at
            // once instead of being multiplied by ten a hundred billion times.
            return Err(refused(format!("an exponent beyond ±{MAX_EXPONENT}")));
        }
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

    #[test]
    fn huge_exponents_are_refused_at_once() {
        let started = std::time::Instant::now();
        assert!(parse("0e100000000000").is_err());
        assert!(parse("0e-100000000000").is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(parse("0e40").unwrap().to_string(), "0");
    }
}

/// `exact_amount` for optional fields: absent or `null` is `None` (an amount the bank did not
/// send), never zero. Use with `#[serde(default)]`. Read through `serde_json::Number`, so it
/// also works from a parsed `serde_json::Value`.
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

/// `exact_amount_opt` straight from JSON text, without a `serde_json::Number` per amount: for
/// the large J.P. Morgan answers, never read from a `serde_json::Value`.
pub mod exact_amount_nullable {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::de::{self, Visitor};
    use serde::Deserializer;

    pub use super::exact_amount_opt::serialize;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        deserializer.deserialize_option(MaybeAmount)
    }

    struct MaybeAmount;

    impl<'de> Visitor<'de> for MaybeAmount {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON number or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            super::exact_amount::deserialize(d).map(Some)
        }
    }
}
