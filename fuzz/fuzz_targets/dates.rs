//! Dates, times, places and small numbers typed in forms: what parses
//! formats back to a text that parses to the same value.
#![no_main]

use entraide_core::exchange::{format_date, format_time, parse_date, parse_time};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (a, b) = input;
    if let Ok(date) = parse_date("date", a) {
        assert_eq!(parse_date("date", &format_date(date)), Ok(date));
    }
    if let Ok(minutes) = parse_time("time", a) {
        assert!(minutes <= 24 * 60);
        assert_eq!(parse_time("time", &format_time(minutes)), Ok(minutes));
    }
    if let Ok(point) = entraide_core::geo::Point::parse(a, b) {
        assert!(point.lat.is_finite() && point.lng.is_finite());
        assert!((-90.0..=90.0).contains(&point.lat) && (-180.0..=180.0).contains(&point.lng));
        let _ = point.cell();
        let _ = point.area();
    }
    if let Ok(days) = entraide_core::conversation::parse_suspension_days(a) {
        assert!((1..=365).contains(&days));
    }
    if let Ok(radius) = entraide_core::board::parse_radius(a) {
        assert!(radius > 0);
    }
});
