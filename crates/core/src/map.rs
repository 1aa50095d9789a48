//! The neighbours' map without revealing where anyone lives: counts of
//! visible members by area, where an area is shown only if it holds at least
//! `k` people, otherwise it stays merged into its coarser parent.
//!
//! The rule is decided top-down from fixed cells (H3 resolution 7, the
//! stored `home_area`), so that the same area always splits the same way
//! whatever the viewport or the zoom: a cell is split into its children only
//! when every child shown holds at least `k` people and those left over
//! (gathered at the cell's centre) are none or at least `k` too. Every number
//! published is then a sum of groups of at least `k` people, so subtracting
//! what two zoom levels or two viewports show never isolates fewer than `k`.

use std::collections::{BTreeMap, HashMap};

use h3o::{CellIndex, LatLng, Resolution};

use crate::error::{Errors, Invalid, ParseError};
use crate::geo::AREA_RESOLUTION;

/// People an area must hold before it is shown on its own.
pub const DEFAULT_MIN_PEOPLE: u32 = 5;
/// The widest view served (zoom 12 shows a city; wider views are not served,
/// so that a request never reads a whole region).
pub const MIN_ZOOM: i64 = 12;
pub const MAX_ZOOM: i64 = 19;
/// Largest viewport served, in degrees (about 28 × 26 km in Paris).
const MAX_SPAN_LAT: f64 = 0.25;
const MAX_SPAN_LNG: f64 = 0.35;

/// A rectangle of the map and its zoom level (Leaflet's, 0 = whole world).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
    pub zoom: i64,
}

impl Viewport {
    /// Parses the query of a map request; every field is checked.
    pub fn parse(south: f64, west: f64, north: f64, east: f64, zoom: i64) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let lat_ok = |v: f64| v.is_finite() && (-90.0..=90.0).contains(&v);
        let lng_ok = |v: f64| v.is_finite() && (-180.0..=180.0).contains(&v);
        for (field, ok) in [
            ("south", lat_ok(south)),
            ("north", lat_ok(north)),
            ("west", lng_ok(west)),
            ("east", lng_ok(east)),
        ] {
            if !ok {
                errors.push(ParseError::new(field, Invalid::Coordinate));
            }
        }
        if errors.0.is_empty() {
            if north <= south || north - south > MAX_SPAN_LAT {
                errors.push(ParseError::new("north", Invalid::Range));
            }
            if east <= west || east - west > MAX_SPAN_LNG {
                errors.push(ParseError::new("east", Invalid::Range));
            }
        }
        if !(MIN_ZOOM..=MAX_ZOOM).contains(&zoom) {
            errors.push(ParseError::new("zoom", Invalid::Range));
        }
        if errors.0.is_empty() {
            Ok(Self {
                south,
                west,
                north,
                east,
                zoom,
            })
        } else {
            Err(errors)
        }
    }

    /// A square view of `half_km` around a point, as the list view shows.
    pub fn around(lat: f64, lng: f64, half_km: f64, zoom: i64) -> Self {
        let dlat = half_km / 111.195;
        let dlng = dlat / lat.to_radians().cos().max(0.01);
        Self {
            south: lat - dlat,
            west: lng - dlng,
            north: lat + dlat,
            east: lng + dlng,
            zoom,
        }
    }

    /// The finest areas shown at this zoom: cells a few times smaller than
    /// the screen's distance between two markers.
    pub fn resolution(&self) -> Resolution {
        match self.zoom {
            ..=12 => Resolution::Six,
            13..=14 => Resolution::Seven,
            15..=16 => Resolution::Eight,
            _ => Resolution::Nine,
        }
    }

    /// The area cells (resolution 7) touching this viewport: a grid of
    /// points closer than a cell's inner radius, and the border walked in
    /// small steps.
    pub fn area_cells(&self) -> Vec<i64> {
        let mut cells = std::collections::BTreeSet::new();
        let mut add = |lat: f64, lng: f64| {
            if let Ok(ll) = LatLng::new(lat, lng) {
                cells.insert(u64::from(ll.to_cell(AREA_RESOLUTION)) as i64);
            }
        };
        let lat_step = 0.4 / 111.195;
        let lng_step = lat_step / self.south.to_radians().cos().max(0.01);
        let rows = ((self.north - self.south) / lat_step).ceil() as usize;
        let cols = ((self.east - self.west) / lng_step).ceil() as usize;
        for r in 0..=rows {
            let lat = (self.south + r as f64 * lat_step).min(self.north);
            for c in 0..=cols {
                add(lat, (self.west + c as f64 * lng_step).min(self.east));
            }
        }
        let edge_steps = 4 * rows.max(cols) + 1;
        for i in 0..=edge_steps {
            let f = i as f64 / edge_steps as f64;
            let lat = self.south + f * (self.north - self.south);
            let lng = self.west + f * (self.east - self.west);
            add(lat, self.west);
            add(lat, self.east);
            add(self.south, lng);
            add(self.north, lng);
        }
        cells.into_iter().collect()
    }

    /// Whether a point lies in the viewport.
    pub fn contains(&self, lat: f64, lng: f64) -> bool {
        (self.south..=self.north).contains(&lat) && (self.west..=self.east).contains(&lng)
    }
}

/// An area shown on the map: a cell's centre and how many people it stands
/// for (never fewer than `k`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Area {
    /// The H3 cell, in hexadecimal.
    pub id: String,
    pub resolution: u8,
    pub count: u32,
    /// The cell's centre, rounded to 4 decimals.
    pub lat: f64,
    pub lng: f64,
    /// About how far from the centre the people it counts live, in metres.
    pub radius_m: u32,
}

impl Area {
    fn new(cell: CellIndex, count: u64) -> Self {
        let centre = LatLng::from(cell);
        let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
        let radius = cell.resolution().edge_length_m();
        Self {
            id: cell.to_string(),
            resolution: u8::from(cell.resolution()),
            count: u32::try_from(count).unwrap_or(u32::MAX),
            lat: round(centre.lat()),
            lng: round(centre.lng()),
            radius_m: radius.round() as u32,
        }
    }
}

/// Counts per cell at every resolution from the area cells down to `finest`.
struct Tree {
    counts: HashMap<CellIndex, u64>,
    children: HashMap<CellIndex, Vec<CellIndex>>,
    tops: BTreeMap<u64, CellIndex>,
}

impl Tree {
    fn build(homes: &[(i64, i64)], finest: Resolution) -> Self {
        let mut tree = Tree {
            counts: HashMap::new(),
            children: HashMap::new(),
            tops: BTreeMap::new(),
        };
        for (cell, count) in homes {
            let Some(cell) = u64::try_from(*cell)
                .ok()
                .and_then(|c| CellIndex::try_from(c).ok())
            else {
                continue;
            };
            let Ok(count) = u64::try_from(*count) else {
                continue;
            };
            if cell.resolution() < finest || count == 0 {
                continue;
            }
            let mut previous: Option<CellIndex> = None;
            for res in Resolution::range(AREA_RESOLUTION, finest) {
                let Some(ancestor) = cell.parent(res) else {
                    continue;
                };
                let total = tree.counts.entry(ancestor).or_insert(0);
                if *total == 0 {
                    match previous {
                        Some(parent) => tree.children.entry(parent).or_default().push(ancestor),
                        None => {
                            tree.tops.insert(u64::from(ancestor), ancestor);
                        }
                    }
                }
                *total += count;
                previous = Some(ancestor);
            }
        }
        for list in tree.children.values_mut() {
            list.sort_unstable();
        }
        tree
    }

    fn count(&self, cell: CellIndex) -> u64 {
        self.counts.get(&cell).copied().unwrap_or(0)
    }

    /// Shows `cell` whole, or split as the rule allows.
    fn release(&self, cell: CellIndex, finest: Resolution, k: u64, out: &mut Vec<Area>) {
        let total = self.count(cell);
        let children = self.children.get(&cell).map_or(&[][..], Vec::as_slice);
        if cell.resolution() >= finest || children.is_empty() {
            out.push(Area::new(cell, total));
            return;
        }
        let (shown, rest): (Vec<CellIndex>, Vec<CellIndex>) =
            children.iter().partition(|c| self.count(**c) >= k);
        let left: u64 = rest.iter().map(|c| self.count(*c)).sum();
        if shown.is_empty() || (left > 0 && left < k) {
            out.push(Area::new(cell, total));
            return;
        }
        for child in shown {
            self.release(child, finest, k, out);
        }
        if left > 0 {
            out.push(Area::new(cell, left));
        }
    }
}

/// The areas to show for `homes` (visible people counted per resolution-9
/// cell) at resolution `shown`, with at least `min_people` in each. Area
/// cells holding fewer are left out. Views coarser than the area cells add
/// up the area cells already released.
pub fn aggregate(homes: &[(i64, i64)], shown: Resolution, min_people: u32) -> Vec<Area> {
    let k = u64::from(min_people.max(1));
    let finest = shown.max(AREA_RESOLUTION);
    let tree = Tree::build(homes, finest);
    let mut out = Vec::new();
    for top in tree.tops.values() {
        if tree.count(*top) >= k {
            tree.release(*top, finest, k, &mut out);
        }
    }
    if shown >= AREA_RESOLUTION {
        return out;
    }
    let mut coarse: BTreeMap<u64, (CellIndex, u64)> = BTreeMap::new();
    for area in &out {
        let parent = area
            .id
            .parse::<CellIndex>()
            .ok()
            .and_then(|c| c.parent(shown));
        if let Some(parent) = parent {
            coarse.entry(u64::from(parent)).or_insert((parent, 0)).1 += u64::from(area.count);
        }
    }
    coarse
        .into_values()
        .map(|(cell, count)| Area::new(cell, count))
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::geo::Point;

    fn cell_at(lat: f64, lng: f64) -> i64 {
        Point { lat, lng }.cell()
    }

    #[test]
    fn small_groups_merge_into_their_parent() {
        // Six people in one resolution-9 cell and one person further away.
        let crowd = cell_at(48.8667, 2.3784);
        let alone = cell_at(48.8650, 2.3760);
        let area = |lat, lng| Point { lat, lng }.area();
        assert_eq!(area(48.8667, 2.3784), area(48.8650, 2.3760));
        assert_ne!(crowd, alone);
        let homes = [(crowd, 6), (alone, 1)];
        let areas = aggregate(&homes, Resolution::Nine, 5);
        assert_eq!(areas.iter().map(|a| a.count).sum::<u32>(), 7);
        assert!(areas.iter().all(|a| a.count >= 5), "{areas:?}");
        // The lonely person is never shown apart from the crowd.
        assert_eq!(areas.len(), 1, "{areas:?}");
        assert!(areas[0].resolution < 9);
    }

    #[test]
    fn a_split_leaves_no_group_smaller_than_k() {
        let a = cell_at(48.8667, 2.3784);
        let b = cell_at(48.8612, 2.3699);
        // Two shown cells, and a remainder of 5 around them.
        let c = cell_at(48.8640, 2.3740);
        let d = cell_at(48.8650, 2.3700);
        let homes = [(a, 6), (b, 7), (c, 3), (d, 2)];
        let counts: Vec<u32> = aggregate(&homes, Resolution::Nine, 5)
            .iter()
            .map(|a| a.count)
            .collect();
        assert_eq!(counts.iter().sum::<u32>(), 18);
        assert!(counts.iter().all(|c| *c >= 5), "{counts:?}");
    }

    #[test]
    fn too_few_people_show_nothing() {
        let homes = [(cell_at(48.8667, 2.3784), 4)];
        assert!(aggregate(&homes, Resolution::Nine, 5).is_empty());
        assert_eq!(aggregate(&homes, Resolution::Nine, 4).len(), 1);
    }

    #[test]
    fn viewports_are_checked() {
        assert!(Viewport::parse(48.85, 2.35, 48.87, 2.38, 15).is_ok());
        let errors = |r: Result<Viewport, Errors>| -> Vec<&'static str> {
            r.err()
                .map(|e| e.0.iter().map(|e| e.field).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            errors(Viewport::parse(48.87, 2.35, 48.85, 2.38, 15)),
            ["north"]
        );
        assert_eq!(errors(Viewport::parse(48.0, 2.0, 49.0, 2.1, 15)), ["north"]);
        assert_eq!(
            errors(Viewport::parse(f64::NAN, 2.35, 48.87, 2.38, 3)),
            ["south", "zoom"]
        );
    }

    #[test]
    fn area_cells_cover_the_viewport() {
        let view = Viewport::parse(48.855, 2.36, 48.875, 2.39, 15)
            .unwrap_or(Viewport::around(48.86, 2.37, 1.0, 15));
        let cells = view.area_cells();
        for i in 0..=20 {
            for j in 0..=20 {
                let lat = view.south + (view.north - view.south) * f64::from(i) / 20.0;
                let lng = view.west + (view.east - view.west) * f64::from(j) / 20.0;
                assert!(cells.contains(&Point { lat, lng }.area()));
            }
        }
    }

    fn homes() -> impl Strategy<Value = Vec<(i64, i64)>> {
        prop::collection::vec((48.84f64..48.89, 2.33f64..2.40, 1i64..4), 0..80).prop_map(|v| {
            v.into_iter()
                .map(|(lat, lng, n)| (cell_at(lat, lng), n))
                .collect()
        })
    }

    fn res(level: u8) -> Resolution {
        Resolution::try_from(level).unwrap_or(Resolution::Nine)
    }

    proptest! {
        #[test]
        fn every_area_holds_k_and_nobody_counts_twice(homes in homes(), k in 1u32..8, level in 6u8..=9) {
            let areas = aggregate(&homes, res(level), k);
            let total: i64 = homes.iter().map(|h| h.1).sum();
            let shown: i64 = areas.iter().map(|a| i64::from(a.count)).sum();
            prop_assert!(areas.iter().all(|a| a.count >= k));
            prop_assert!(areas.iter().all(|a| a.resolution <= level.max(7)));
            prop_assert!(shown <= total);
            // Only whole area cells under k are left out.
            let tree = Tree::build(&homes, res(level.max(7)));
            let dropped: u64 = tree.tops.values().map(|t| tree.count(*t)).filter(|c| *c < u64::from(k)).sum();
            prop_assert_eq!(shown + dropped as i64, total);
        }

        #[test]
        fn zooming_in_only_splits_what_was_shown(homes in homes(), k in 1u32..8, level in 7u8..9) {
            // Under every cell shown at one zoom, the next zoom shows the same
            // number of people in all: comparing zooms reveals no small group.
            let cells = |areas: &[Area]| -> Vec<(CellIndex, u64)> {
                areas.iter().filter_map(|a| a.id.parse::<CellIndex>().ok().map(|c| (c, u64::from(a.count)))).collect()
            };
            let coarse = cells(&aggregate(&homes, res(level), k));
            let fine = cells(&aggregate(&homes, res(level + 1), k));
            let under = |list: &[(CellIndex, u64)], cell: CellIndex| -> u64 {
                list.iter().filter(|(c, _)| c.parent(cell.resolution()) == Some(cell)).map(|(_, n)| n).sum()
            };
            for (cell, _) in &coarse {
                prop_assert_eq!(under(&coarse, *cell), under(&fine, *cell));
            }
        }

        #[test]
        fn the_order_of_rows_does_not_matter(homes in homes(), k in 1u32..8) {
            let mut reversed = homes.clone();
            reversed.reverse();
            prop_assert_eq!(aggregate(&homes, Resolution::Nine, k), aggregate(&reversed, Resolution::Nine, k));
        }
    }
}
