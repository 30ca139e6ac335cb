//! The picture of a calibration run: each estimated item's difficulty and discrimination before the
//! run (across) against the run's estimate (up), with the line on which nothing changed.

use item_bank::irt::ItemParams;

use super::words::fill;
use super::{Axis, BLACK, BLUE, Figure, Layer, Panel, Stroke, Words};
use crate::lang::Lang;

/// One estimated item: its parameters before the run and the run's.
#[derive(Debug, Clone)]
pub struct Change {
    pub before: ItemParams,
    pub after: ItemParams,
}

/// The run's picture, as SVG, in `lang`.
pub fn svg(changes: &[Change], lang: Lang) -> String {
    let w = Words::of(lang);
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let difficulty = |p: &ItemParams| mean(p.difficulties());
    let panels = vec![
        panel(w, w.difficulty_title, changes, difficulty),
        panel(w, w.discrimination_title, changes, ItemParams::a),
    ];
    Figure {
        description: fill(
            w.calibration_description,
            &[("n", changes.len().to_string())],
        ),
        panels,
    }
    .svg()
}

fn panel(w: &Words, title: &str, changes: &[Change], value: impl Fn(&ItemParams) -> f64) -> Panel {
    let points: Vec<(f64, f64)> = changes
        .iter()
        .map(|c| (value(&c.before), value(&c.after)))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let lo = points
        .iter()
        .flat_map(|&(x, y)| [x, y])
        .fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .flat_map(|&(x, y)| [x, y])
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() {
        ((lo - 0.25).floor(), (hi + 0.25).ceil())
    } else {
        (0.0, 1.0)
    };
    let step = ((hi - lo) / 4.0).max(0.25);
    let axis = Axis::stepped(lo, hi, step);
    Panel {
        title: title.to_owned(),
        x_label: w.before.to_owned(),
        y_label: w.after.to_owned(),
        x: axis.clone(),
        y: axis,
        y2: None,
        layers: vec![
            Layer::Line {
                points: vec![(lo, lo), (hi, hi)],
                stroke: Stroke::dashed(BLACK, 1.0, "4 3"),
                side: super::Side::Left,
                label: Some(w.unchanged.to_owned()),
            },
            Layer::Points {
                points,
                colour: BLUE,
                label: None,
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::tests::{attribute_values, well_formed};

    #[test]
    fn each_item_is_a_point_in_both_panels_inside_the_axes() {
        let changes: Vec<Change> = (0..5)
            .map(|k| Change {
                before: ItemParams::two_pl(1.0, f64::from(k) - 2.0),
                after: ItemParams::two_pl(0.8 + 0.1 * f64::from(k), f64::from(k) * 0.9 - 1.5),
            })
            .collect();
        let picture = svg(&changes, Lang::En);
        well_formed(&picture);
        let xs = attribute_values(&picture, "cx");
        assert_eq!(xs.len(), 10, "five items in two panels");
        assert!(picture.contains("Difficulty (b): before and after"));
        assert!(picture.contains("the parameters of 5 items"));
        assert!(
            svg(&[], Lang::Ru).contains("Калибровка"),
            "an empty run draws"
        );
    }
}
