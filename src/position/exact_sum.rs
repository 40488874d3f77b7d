//! The grand total rounded from the exact sum: each currency's total times a rate quotient is
//! kept as a fraction of big integers, so a sum lying exactly on a midpoint (666.675) rounds
//! half-even as the exact value says (666.68), not as 28-digit quotients summed say (666.67).

use num_bigint::BigInt;
use rust_decimal::Decimal;

/// `amount × to ÷ from` of one currency's total, as the conversion takes it.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub amount: Decimal,
    pub to: Decimal,
    pub from: Decimal,
}

/// A decimal as `mantissa / 10^scale`.
fn fraction(value: Decimal) -> (BigInt, BigInt) {
    (
        BigInt::from(value.mantissa()),
        BigInt::from(10).pow(value.scale()),
    )
}

/// The sum of the parts, rounded half-even to `places`, exactly; `None` when it does not fit a
/// decimal (or a rate is zero).
pub fn rounded_sum(parts: &[Part], places: u32) -> Option<Decimal> {
    // Σ a·t/f as one fraction n/d.
    let mut n = BigInt::from(0);
    let mut d = BigInt::from(1);
    for part in parts {
        let (an, ad) = fraction(part.amount);
        let (tn, td) = fraction(part.to);
        let (f_n, f_d) = fraction(part.from);
        if f_n == BigInt::from(0) {
            return None;
        }
        // a·t/f = (an·tn·f_d) / (ad·td·f_n)
        let pn = an * tn * f_d;
        let pd = ad * td * f_n;
        n = n * &pd + pn * &d;
        d *= pd;
    }
    if d < BigInt::from(0) {
        n = -n;
        d = -d;
    }
    let scaled = n * BigInt::from(10).pow(places);
    let (mut q, r) = (&scaled / &d, &scaled % &d);
    // Truncated division: the remainder has the sign of the numerator.
    let twice = r.magnitude() * 2u32;
    let half = twice.cmp(d.magnitude());
    let away = match half {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => (&q % 2u32) != BigInt::from(0),
    };
    if away {
        q += if scaled.sign() == num_bigint::Sign::Minus {
            -1
        } else {
            1
        };
    }
    let mantissa = i128::try_from(q).ok()?;
    Decimal::try_from_i128_with_scale(mantissa, places.min(Decimal::MAX_SCALE)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn an_exact_midpoint_of_non_terminating_parts_rounds_half_even() {
        // 1000.01 / 3 and 1000.015 / 3 do not terminate; their exact sum is 666.675.
        let parts = [
            Part {
                amount: d("1000.01"),
                to: d("1"),
                from: d("3"),
            },
            Part {
                amount: d("1000.015"),
                to: d("1"),
                from: d("3"),
            },
        ];
        // Exactly 666.675: half-even gives 666.68.
        assert_eq!(rounded_sum(&parts, 2).unwrap().to_string(), "666.68");
        let negative = parts.map(|p| Part {
            amount: -p.amount,
            ..p
        });
        assert_eq!(rounded_sum(&negative, 2).unwrap().to_string(), "-666.68");
        let even = [Part {
            amount: d("0.125"),
            to: d("1"),
            from: d("1"),
        }];
        assert_eq!(rounded_sum(&even, 2).unwrap().to_string(), "0.12");
    }
}
