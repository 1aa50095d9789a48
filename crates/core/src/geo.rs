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

/// Cells used to find what lies within a radius: an "area" (about 5 km²,
/// edge about 1.4 km) for radii up to [`AREA_MAX_RADIUS_M`], a "wide area"
/// (about 250 km², edge about 9.9 km) beyond.
pub const AREA_RESOLUTION: Resolution = Resolution::Seven;
pub const WIDE_AREA_RESOLUTION: Resolution = Resolution::Five;
const AREA_EDGE_M: f64 = 1406.0;
const WIDE_AREA_EDGE_M: f64 = 9854.0;
pub const AREA_MAX_RADIUS_M: f64 = 5000.0;
/// The largest search radius accepted.
pub const MAX_RADIUS_M: f64 = 30_000.0;

/// Cells of the in-memory helper index: about 0.7 km² (edge about 530 m),
/// fine enough that the cells covering a 3 km radius hold little more than
/// the circle.
pub const INDEX_RESOLUTION: Resolution = Resolution::Eight;
const INDEX_EDGE_M: f64 = 531.0;

/// The cells to look in for everything within a radius of a point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Covering {
    /// Values of the `area` columns.
    Areas(Vec<i64>),
    /// Values of the `wide_area` columns.
    WideAreas(Vec<i64>),
}

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

    fn cell_at(self, resolution: Resolution) -> Option<CellIndex> {
        LatLng::new(self.lat, self.lng)
            .ok()
            .map(|ll| ll.to_cell(resolution))
    }

    /// The area cell this point falls in (see [`AREA_RESOLUTION`]).
    pub fn area(self) -> i64 {
        self.cell_at(AREA_RESOLUTION)
            .map_or(0, |c| u64::from(c) as i64)
    }

    /// The wide-area cell this point falls in.
    pub fn wide_area(self) -> i64 {
        self.cell_at(WIDE_AREA_RESOLUTION)
            .map_or(0, |c| u64::from(c) as i64)
    }

    /// Cells that together hold every point within `radius_m`: rings of
    /// cells around this one, enough rings to reach past the radius (centres
    /// of neighbouring cells lie about 1.7 edges apart), less the cells of
    /// the rings' corners that lie wholly outside it.
    pub fn covering(self, radius_m: f64) -> Covering {
        let radius_m = radius_m.clamp(0.0, MAX_RADIUS_M);
        let (resolution, edge) = if radius_m <= AREA_MAX_RADIUS_M {
            (AREA_RESOLUTION, AREA_EDGE_M)
        } else {
            (WIDE_AREA_RESOLUTION, WIDE_AREA_EDGE_M)
        };
        let cells: Vec<i64> = self
            .cells_within(resolution, edge, radius_m)
            .into_iter()
            .map(|c| u64::from(c) as i64)
            .collect();
        if resolution == AREA_RESOLUTION {
            Covering::Areas(cells)
        } else {
            Covering::WideAreas(cells)
        }
    }

    /// The cells of `resolution` that may hold a point within `radius_m`.
    ///
    /// The rings around this point's cell form a hexagon, which holds about
    /// 2.4 times the circle's area at 3 km; a cell is kept only when its
    /// nearest possible point (its centre less its circumradius, the
    /// distance to its farthest corner) comes within the radius. The
    /// databases filter by a planar distance, which strays from the great
    /// circle by well under 1 % within 30 km, hence the margin.
    fn cells_within(self, resolution: Resolution, edge: f64, radius_m: f64) -> Vec<CellIndex> {
        let (Ok(here), Some(cell)) = (LatLng::new(self.lat, self.lng), self.cell_at(resolution))
        else {
            return Vec::new();
        };
        let rings = (radius_m / edge).ceil() as u32 + 1;
        let reach = radius_m * 1.01 + 10.0;
        cell.grid_disk::<Vec<_>>(rings)
            .into_iter()
            .filter(|c| {
                let centre = LatLng::from(*c);
                let circumradius = c
                    .boundary()
                    .iter()
                    .map(|corner| centre.distance_m(*corner))
                    .fold(0.0, f64::max);
                here.distance_m(centre) <= reach + circumradius
            })
            .collect()
    }

    /// The index cell this point falls in (see [`INDEX_RESOLUTION`]).
    pub fn index_cell(self) -> u64 {
        self.cell_at(INDEX_RESOLUTION).map_or(0, u64::from)
    }

    /// Index cells that together hold every point within `radius_m`.
    pub fn index_covering(self, radius_m: f64) -> Vec<u64> {
        self.cells_within(
            INDEX_RESOLUTION,
            INDEX_EDGE_M,
            radius_m.clamp(0.0, MAX_RADIUS_M),
        )
        .into_iter()
        .map(u64::from)
        .collect()
    }

    /// Squared planar distance in "degrees of latitude", with longitude
    /// scaled at this point's latitude: both databases compute it with the
    /// same arithmetic, so sorting by it gives the same order everywhere.
    pub fn lng_scale(self) -> f64 {
        self.lat.to_radians().cos()
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

/// The stored cells (resolution 9) around `cell`, ring by ring: the cell
/// itself, then its neighbours, out to `rings`.
pub fn cell_rings(cell: i64, rings: u32) -> Vec<Vec<i64>> {
    let Some(index) = u64::try_from(cell)
        .ok()
        .and_then(|c| CellIndex::try_from(c).ok())
    else {
        return Vec::new();
    };
    let mut out = vec![Vec::new(); rings as usize + 1];
    for (c, distance) in index.grid_disk_distances::<Vec<_>>(rings) {
        if let Some(ring) = out.get_mut(distance as usize) {
            ring.push(u64::from(c) as i64);
        }
    }
    out
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
    fn coverings_hold_every_point_of_the_radius() {
        let centre = Point {
            lat: 48.8655,
            lng: 2.3776,
        };
        for radius in [500.0, 3000.0, 5000.0, 12_000.0, 30_000.0] {
            let covering = centre.covering(radius);
            for step in 0..36 {
                let angle = f64::from(step) * 10f64.to_radians();
                // A point just inside the radius in every direction.
                let dlat = (radius * 0.999 * angle.cos()) / 111_320.0;
                let dlng = (radius * 0.999 * angle.sin()) / (111_320.0 * centre.lng_scale());
                let p = Point {
                    lat: centre.lat + dlat,
                    lng: centre.lng + dlng,
                };
                let held = match &covering {
                    Covering::Areas(cells) => cells.contains(&p.area()),
                    Covering::WideAreas(cells) => cells.contains(&p.wide_area()),
                };
                assert!(held, "radius {radius}, angle {step}");
                if radius <= 5000.0 {
                    let index = centre.index_covering(radius);
                    assert!(index.contains(&p.index_cell()), "index, radius {radius}");
                }
            }
        }
        assert!(matches!(centre.covering(3000.0), Covering::Areas(c) if c.len() < 100));
    }

    #[test]
    fn coverings_leave_out_the_rings_corners() {
        let centre = Point {
            lat: 48.8655,
            lng: 2.3776,
        };
        // The whole hexagon of rings held 169 index cells at 3 km; the
        // circle needs about a third of that.
        let index = centre.index_covering(3000.0);
        assert!((40..80).contains(&index.len()), "{} cells", index.len());
        let Covering::Areas(areas) = centre.covering(3000.0) else {
            panic!("3 km is read in areas");
        };
        assert!(areas.len() < 20, "{} areas", areas.len());
    }

    proptest::proptest! {
        /// Any point the databases would count within the radius (by the
        /// planar distance of [`Point::lng_scale`]) lies in a covering cell.
        #[test]
        fn coverings_hold_every_point_the_databases_count_in(
            lat in 41.0_f64..51.5,
            lng in -5.0_f64..9.5,
            radius in 0.0_f64..30_000.0,
            fraction in 0.0_f64..=1.0,
            angle in 0.0_f64..std::f64::consts::TAU,
        ) {
            let centre = Point { lat, lng };
            let metres = radius * fraction;
            let p = Point {
                lat: lat + metres * angle.cos() / 111_195.0,
                lng: lng + metres * angle.sin() / (111_195.0 * centre.lng_scale()),
            };
            let held = match centre.covering(radius) {
                Covering::Areas(cells) => cells.contains(&p.area()),
                Covering::WideAreas(cells) => cells.contains(&p.wide_area()),
            };
            proptest::prop_assert!(held);
            if radius <= AREA_MAX_RADIUS_M {
                proptest::prop_assert!(centre.index_covering(radius).contains(&p.index_cell()));
            }
        }
    }

    #[test]
    fn rings_grow_around_a_cell() {
        let home = Point {
            lat: 48.8667,
            lng: 2.3784,
        };
        let rings = cell_rings(home.cell(), 2);
        let sizes: Vec<usize> = rings.iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, 6, 12]);
        assert_eq!(rings[0], [home.cell()]);
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
