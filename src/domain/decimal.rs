//! Numbers as Russian text writes them: with a decimal comma («85,10», «12,5»). Every place that
//! shows a number to a person (screens, CLI, documents, published pages, CSV for Excel, messages)
//! writes it by one of these two.

/// `x` with `digits` digits after a decimal comma: 85.1 at 2 digits → «85,10».
pub fn fixed(x: f64, digits: usize) -> String {
    format!("{x:.digits$}").replace('.', ",")
}

/// `x` as a person writes a value: a whole number without a fraction («120»), any other in the
/// shortest form that reads back as the same number, with a decimal comma («12,5»).
pub fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string().replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_digits_with_a_comma() {
        assert_eq!(fixed(85.1, 2), "85,10");
        assert_eq!(fixed(92.456, 2), "92,46");
        assert_eq!(fixed(0.25, 1), "0,2"); // a tie goes to the even digit
        assert_eq!(fixed(7.0, 0), "7");
        assert_eq!(fixed(-3.5, 1), "-3,5");
    }

    #[test]
    fn plain_whole_and_fractional() {
        assert_eq!(plain(120.0), "120");
        assert_eq!(plain(-4.0), "-4");
        assert_eq!(plain(12.5), "12,5");
        assert_eq!(plain(0.1), "0,1");
        assert_eq!(plain(1e15), "1000000000000000");
        assert_eq!(plain(2.5e15), "2500000000000000");
    }
}
