//! The picture of an assembly simulation: per section, the target test characteristic curve (thick)
//! over the first 200 forms' curves, the cut θs marked and the conditional SEM on a right-hand scale;
//! then the exposure histogram with the cap.

use item_bank::assembly::SimulationReport;

use super::words::fill;
use super::{Axis, BLACK, BLUE, Figure, GREEN, Layer, Panel, RED, Side, Stroke, Words};
use crate::lang::Lang;

/// The most forms whose curves are drawn.
pub const MAX_CURVES: usize = 200;
/// The width of an exposure band.
const BAND: f64 = 0.025;

/// The simulation's picture, as SVG, in `lang`.
pub fn svg(report: &SimulationReport, lang: Lang) -> String {
    figure(report, lang).svg()
}

fn figure(report: &SimulationReport, lang: Lang) -> Figure {
    let w = Words::of(lang);
    let mut panels: Vec<Panel> = report.sections.iter().map(|s| section(s, w)).collect();
    panels.push(exposure(report, w));
    Figure {
        description: fill(
            w.simulation_description,
            &[
                ("n", report.forms.to_string()),
                ("blueprint", report.blueprint_id.clone()),
            ],
        ),
        panels,
    }
}

fn section(sec: &item_bank::assembly::SectionSimulation, w: &Words) -> Panel {
    let curve = |values: &[f64]| -> Vec<(f64, f64)> {
        sec.grid
            .iter()
            .copied()
            .zip(values.iter().copied())
            .collect()
    };
    let mut layers: Vec<Layer> = sec
        .form_percent
        .iter()
        .take(MAX_CURVES)
        .enumerate()
        .map(|(k, f)| Layer::Line {
            points: curve(f),
            stroke: Stroke {
                opacity: 0.15,
                ..Stroke::solid(BLUE, 1.0)
            },
            side: Side::Left,
            label: (k == 0).then(|| w.forms.to_owned()),
        })
        .collect();
    if !sec.target_percent.is_empty() {
        layers.push(Layer::Line {
            points: curve(&sec.target_percent),
            stroke: Stroke::solid(BLACK, 2.0),
            side: Side::Left,
            label: Some(w.target.to_owned()),
        });
    }
    if !sec.csem_mean.is_empty() {
        layers.push(Layer::Line {
            points: curve(&sec.csem_mean),
            stroke: Stroke::dashed(GREEN, 1.5, "6 2"),
            side: Side::Right,
            label: Some(w.sem.to_owned()),
        });
    }
    let (lo, hi) = (
        sec.grid.first().copied().unwrap_or(-3.0),
        sec.grid.last().copied().unwrap_or(3.0),
    );
    for c in sec.cuts.iter().filter(|c| (lo..=hi).contains(&c.theta)) {
        layers.push(Layer::Mark {
            x: c.theta,
            label: fill(
                w.cut,
                &[
                    ("percent", c.percent.to_string()),
                    ("theta", format!("{:.2}", c.theta)),
                    ("worst", format!("{:.2}", c.worst_deviation)),
                ],
            ),
            colour: RED,
        });
    }
    Panel {
        title: fill(
            w.tcc_title,
            &[
                ("section", sec.section_id.clone()),
                ("n", sec.form_percent.len().to_string()),
            ],
        ),
        x_label: w.theta.to_owned(),
        y_label: w.expected_percent.to_owned(),
        x: Axis::stepped(lo.floor(), hi.ceil(), 1.0),
        y: Axis::stepped(0.0, 100.0, 25.0),
        y2: Some((Axis::stepped(0.0, 2.0, 0.5), "SEM".to_owned())),
        layers,
    }
}

fn exposure(report: &SimulationReport, w: &Words) -> Panel {
    let e = &report.exposure;
    let bands = e.histogram.len().max((e.cap / BAND).ceil() as usize + 2);
    let top = e.histogram.iter().copied().max().unwrap_or(0) as f64;
    let bars = e
        .histogram
        .iter()
        .enumerate()
        .map(|(b, &n)| (b as f64 * BAND, (b + 1) as f64 * BAND, n as f64))
        .collect();
    let percent = |v: f64| format!("{:.1}", 100.0 * v);
    let span = bands as f64 * BAND;
    // The smallest round step that labels the axis with at most eight ticks.
    let step = [BAND, 0.05, 0.1, 0.2, 0.25]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(0.25);
    Panel {
        title: fill(
            w.exposure_title,
            &[
                ("n", e.items_in_bank.to_string()),
                ("cap", format!("{:.0}", 100.0 * e.cap)),
            ],
        ),
        x_label: w.share_of_forms.to_owned(),
        y_label: w.items.to_owned(),
        x: Axis::stepped(0.0, span, step),
        y: Axis::from_zero(top, 1.0),
        y2: None,
        layers: vec![
            Layer::Bars {
                bars,
                colour: BLUE,
                label: None,
            },
            Layer::Mark {
                x: e.cap,
                label: format!("{:.0} %", 100.0 * e.cap),
                colour: RED,
            },
            Layer::Note(fill(
                w.exposure_note,
                &[
                    ("max", percent(e.max)),
                    ("overlap", percent(report.mean_overlap)),
                ],
            )),
        ],
    }
}

#[cfg(test)]
mod tests {
    use item_bank::assembly::{GenerateOptions, SimulationOptions, generate_bank, simulate};
    use item_bank::bank::Blueprint;

    use super::*;
    use crate::plot::tests::well_formed;

    #[test]
    fn the_picture_has_a_panel_per_section_and_the_exposure_in_each_language() {
        let bp = Blueprint::parse(
            "a1.toml",
            include_str!("../../item-bank/content/blueprints/kaztest-a1-preselection.toml"),
        )
        .unwrap();
        let bank = generate_bank(&GenerateOptions::plain(400, 2));
        let options = SimulationOptions {
            forms: 12,
            candidates_per_form: 2,
            ..SimulationOptions::default()
        };
        let report = simulate(&bp, &bank, &options);
        for lang in Lang::ALL {
            let picture = svg(&report, lang);
            well_formed(&picture);
            assert_eq!(
                picture.matches("stroke-opacity=\"0.15\"").count(),
                12 * report.sections.len(),
                "one curve per form and section"
            );
            assert!(picture.contains(&format!(
                r#"width="{}""#,
                super::super::PANEL_WIDTH * (report.sections.len() + 1) as f64
            )));
        }
        assert!(svg(&report, Lang::En).contains("listening: TCC of 12 forms vs target"));
        assert!(svg(&report, Lang::Ru).contains("кривые 12 вариантов"));
    }
}
