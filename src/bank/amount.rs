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
        let parsed = match text.contains(['e', 'E']) {
            true => Decimal::from_scientific(text),
            false => Decimal::from_str_exact(text),
        };
        parsed.map_err(|e| format!("amount {text} cannot be held exactly ({e})"))
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
