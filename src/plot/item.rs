//! The picture of one item: its characteristic curve (the probability of a right answer, or the
//! expected share of the top score for a polytomous item) and its information, over θ, with its
//! difficulties marked.

use item_bank::irt::ItemParams;

use super::words::fill;
use super::{Axis, BLUE, Figure, GREEN, Layer, Panel, RED, Side, Stroke, Words};
use crate::lang::Lang;

/// The θ range drawn.
const THETA: (f64, f64) = (-4.0, 4.0);
const STEPS: usize = 80;

/// The picture of item `id` with parameters `params`, as SVG, in `lang`.
pub fn svg(id: &str, params: &ItemParams, lang: Lang) -> String {
    let w = Words::of(lang);
    let thetas: Vec<f64> = (0..=STEPS)
        .map(|k| THETA.0 + (THETA.1 - THETA.0) * k as f64 / STEPS as f64)
        .collect();
    let top = f64::from(params.max_score().max(1));
    let icc: Vec<(f64, f64)> = thetas
        .iter()
        .map(|&t| (t, params.expected_score(t) / top))
        .collect();
    let info: Vec<(f64, f64)> = thetas.iter().map(|&t| (t, params.information(t))).collect();
    let peak = info.iter().map(|p| p.1).fold(0.0, f64::max);
    let mut layers = vec![
        Layer::Line {
            points: icc,
            stroke: Stroke::solid(BLUE, 2.0),
            side: Side::Left,
            label: Some(w.probability.to_owned()),
        },
        Layer::Line {
            points: info,
            stroke: Stroke::dashed(GREEN, 1.5, "6 2"),
            side: Side::Right,
            label: Some(w.information.to_owned()),
        },
    ];
    for b in params.difficulties() {
        if (THETA.0..=THETA.1).contains(&b) {
            layers.push(Layer::Mark {
                x: b,
                label: format!("b = {b:.2}"),
                colour: RED,
            });
        }
    }
    let title = fill(w.icc, &[("item", id.to_owned())]);
    Figure {
        description: fill(w.item_description, &[("item", id.to_owned())]),
        panels: vec![Panel {
            title,
            x_label: w.theta.to_owned(),
            y_label: w.probability.to_owned(),
            x: Axis::stepped(THETA.0, THETA.1, 1.0),
            y: Axis::stepped(0.0, 1.0, 0.25),
            y2: Some((Axis::from_zero(peak, 0.1), w.information.to_owned())),
            layers,
        }],
    }
    .svg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::tests::{attribute_values, well_formed};

    #[test]
    fn the_curve_rises_through_one_half_at_the_difficulty_and_is_marked_there() {
        let picture = svg("rd-a1-x-001", &ItemParams::two_pl(1.2, 0.5), Lang::En);
        well_formed(&picture);
        assert!(picture.contains("b = 0.50"));
        assert!(picture.contains("rd-a1-x-001: characteristic curve and information"));
        let curve = picture.split(" points=\"").nth(1).unwrap();
        let ys: Vec<f64> = curve
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|p| p.split_once(',').unwrap().1.parse().unwrap())
            .collect();
        assert!(
            ys.windows(2).all(|w| w[1] <= w[0]),
            "rises (SVG's y grows downwards)"
        );
        let mark = attribute_values(&picture, "x1")
            .into_iter()
            .find(|&x| x > 45.0 && x < 383.0)
            .unwrap();
        // θ = 0.5 on −4…4 across the plot area from 44 to 384.
        assert!((mark - (44.0 + 4.5 / 8.0 * 340.0)).abs() < 0.1, "{mark}");
    }

    #[test]
    fn a_three_parameter_item_in_kazakh() {
        let params = ItemParams::three_pl(0.9, -1.0, 0.25).unwrap();
        let picture = svg("ls-a1-y-002", &params, Lang::Kk);
        well_formed(&picture);
        assert!(picture.contains("сипаттамалық қисық"));
    }
}
