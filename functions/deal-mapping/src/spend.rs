//! `Project.ExpectedCustomerSpend` amounts. Partner Central expects *monthly* spend matching
//! `((0|([1-9][0-9]{0,30}))(\.[0-9]{0,2})?)?`. Amounts are parsed as exact decimals (no floating point), rounded half
//! up to cents, and formatted as `<integer>.<2 digits>`. Negative, malformed or oversized values are errors.

/// Why an amount was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountProblem {
    Negative,
    Malformed,
    TooLarge,
}

impl AmountProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            AmountProblem::Negative => "negative amounts are not allowed",
            AmountProblem::Malformed => "not a decimal number",
            AmountProblem::TooLarge => "more than 31 integer digits",
        }
    }
}

/// A non-negative amount in cents (`u128` covers the model's 31 integer digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cents(pub u128);

const MAX_CENTS: u128 = 10u128.pow(33) - 1;

/// Parse `1234`, `1234.5`, `1,234.56`, `+12`, ` 12.345 ` (rounded half up to cents). Thousands separators `,` and
/// `_` are ignored; exponents, currency symbols and a second `.` are malformed.
pub fn parse_amount(raw: &str) -> Result<Cents, AmountProblem> {
    let s = raw.trim();
    let s = match s.strip_prefix('-') {
        Some(rest) if rest.trim_start_matches(['0', '.', ',']).is_empty() && !rest.is_empty() => rest,
        Some(_) => return Err(AmountProblem::Negative),
        None => s.strip_prefix('+').unwrap_or(s),
    };
    let cleaned: String = s.chars().filter(|c| *c != ',' && *c != '_').collect();
    let (int, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(AmountProblem::Malformed);
    }
    let int = int.trim_start_matches('0');
    if int.len() > 31 {
        return Err(AmountProblem::TooLarge);
    }
    let whole: u128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| AmountProblem::Malformed)?
    };
    let digit = |i: usize| frac.as_bytes().get(i).map_or(0, |b| u128::from(b - b'0'));
    let mut cents = whole * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        cents += 1;
    }
    if cents > MAX_CENTS {
        return Err(AmountProblem::TooLarge);
    }
    Ok(Cents(cents))
}

/// `amount / months`, rounded half up to cents. `months` must be > 0.
pub fn monthly(total: Cents, months: u32) -> Cents {
    let m = u128::from(months.max(1));
    Cents((total.0 * 2 + m) / (2 * m))
}

/// The model's format: `<integer>.<2 digits>`.
pub fn format_amount(c: Cents) -> String {
    format!("{}.{:02}", c.0 / 100, c.0 % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: [(&str, Result<&str, AmountProblem>); 16] = [
            ("1000", Ok("1000.00")),
            ("1000.5", Ok("1000.50")),
            ("1,234.56", Ok("1234.56")),
            ("+12", Ok("12.00")),
            (" 0012.345 ", Ok("12.35")),
            ("12.344", Ok("12.34")),
            ("0.005", Ok("0.01")),
            (".5", Ok("0.50")),
            ("7.", Ok("7.00")),
            ("0", Ok("0.00")),
            ("-0", Ok("0.00")),
            ("-5", Err(AmountProblem::Negative)),
            ("-5.00", Err(AmountProblem::Negative)),
            ("1e3", Err(AmountProblem::Malformed)),
            ("$100", Err(AmountProblem::Malformed)),
            ("1.2.3", Err(AmountProblem::Malformed)),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_amount(raw).map(format_amount), want.map(String::from), "{raw:?}");
        }
        assert_eq!(parse_amount(""), Err(AmountProblem::Malformed));
        assert_eq!(parse_amount(&"9".repeat(32)), Err(AmountProblem::TooLarge));
        assert!(parse_amount(&"9".repeat(31)).is_ok());
    }

    #[test]
    fn monthly_division_rounds_half_up() {
        assert_eq!(format_amount(monthly(Cents(1_200_000), 12)), "1000.00");
        assert_eq!(format_amount(monthly(Cents(100_000), 3)), "333.33");
        assert_eq!(format_amount(monthly(Cents(200), 3)), "0.67");
        assert_eq!(format_amount(monthly(Cents(5), 0)), "0.05");
    }
}
