//! Positions: exact home coordinates are parsed here and turned into an
//! approximate position (the centre of an H3 cell) before anyone else sees
//! them. DESIGN.md §5: exact coordinates never leave the store except to
//! their owner.

use h3o::{CellIndex, LatLng, Resolution};

use crate::error::{Invalid, ParseError};

/// Resolution of the cells shown to others: about 0.1 km² per cell, so a
/// shown position lies within about 300 m of the true one.
pub const SHOWN_RESOLUTION: Resolution = Resolution::Nine;
/// The precision stated to people in the interface, in metres.
pub const SHOWN_PRECISION_METRES: u32 = 300;

/// An exact point, validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lng: f64,
}

impl Point {
    pub fn new(lat: f64, lng: f64) -> Result<Self, ParseError> {
        let ok = lat.is_finite()
            && lng.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lng);
        if ok {
            Ok(Self { lat, lng })
        } else {
            Err(ParseError::new("lat", Invalid::Coordinate))
        }
    }

    /// Parses the two text fields of a form ("48.8655", "2.3776"); a comma
    /// decimal separator is accepted, as French keyboards type it.
    pub fn parse(lat: &str, lng: &str) -> Result<Self, ParseError> {
        let number = |raw: &str| raw.trim().replace(',', ".").parse::<f64>();
        match (number(lat), number(lng)) {
            (Ok(lat), Ok(lng)) => Self::new(lat, lng),
            _ => Err(ParseError::new("lat", Invalid::Coordinate)),
        }
    }

    /// The cell this point falls in, as stored (H3 indexes fit in 63 bits).
    pub fn cell(self) -> i64 {
        LatLng::new(self.lat, self.lng)
            .map(|ll| u64::from(ll.to_cell(SHOWN_RESOLUTION)) as i64)
            .unwrap_or(0)
    }

    /// Great-circle distance in metres.
    pub fn distance_m(self, other: Point) -> f64 {
        let (a, b) = (self, other);
        let (dlat, dlng) = ((b.lat - a.lat).to_radians(), (b.lng - a.lng).to_radians());
        let h = (dlat / 2.0).sin().powi(2)
            + a.lat.to_radians().cos() * b.lat.to_radians().cos() * (dlng / 2.0).sin().powi(2);
        2.0 * 6_371_000.0 * h.sqrt().asin()
    }
}

/// The position others may see for a stored cell: the cell's centre.
pub fn shown_position(cell: i64) -> Option<Point> {
    let index = CellIndex::try_from(u64::try_from(cell).ok()?).ok()?;
    let centre = LatLng::from(index);
    Some(Point {
        lat: centre.lat(),
        lng: centre.lng(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_french_decimals_and_refuses_nonsense() {
        assert_eq!(
            Point::parse("48,8655", " 2.3776"),
            Ok(Point {
                lat: 48.8655,
                lng: 2.3776
            })
        );
        for (lat, lng) in [
            ("91", "0"),
            ("0", "181"),
            ("abc", "2"),
            ("NaN", "2"),
            ("", ""),
        ] {
            assert!(Point::parse(lat, lng).is_err(), "{lat} {lng}");
        }
    }

    #[test]
    fn shown_position_is_near_but_not_exact() {
        let home = Point {
            lat: 48.86712,
            lng: 2.37654,
        };
        let shown = shown_position(home.cell()).map(|p| (p, home.distance_m(p)));
        let Some((shown, metres)) = shown else {
            panic!("no shown position")
        };
        assert!(metres < f64::from(SHOWN_PRECISION_METRES), "{metres}");
        assert!(shown != home);
        // Two neighbours in the same building share the same shown position.
        let neighbour = Point {
            lat: 48.86713,
            lng: 2.37655,
        };
        assert_eq!(shown_position(neighbour.cell()), Some(shown));
    }

    #[test]
    fn distance_is_right_in_paris() {
        let republique = Point {
            lat: 48.8674,
            lng: 2.3636,
        };
        let bastille = Point {
            lat: 48.8532,
            lng: 2.3692,
        };
        let d = republique.distance_m(bastille);
        assert!((1500.0..1700.0).contains(&d), "{d}");
    }
}
