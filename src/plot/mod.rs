//! The one way the project draws: figures of panels with axes, lines, points, bars, marked values and a
//! legend, written as SVG text by [`Figure::svg`]. No font or system library is needed: text is left to
//! the viewer's sans-serif font, so a picture is a pure function of its data. Every label is escaped,
//! and every drawn coordinate is clamped to its panel's axes.
//!
//! The pictures built on it: [`simulation`] (an assembly simulation: test characteristic curves per
//! form against the target, exposure), [`item`] (an item's characteristic curve and information) and
//! [`calibration`] (a run's parameters before and after). Their words come in the reader's language.

pub mod calibration;
pub mod item;
pub mod simulation;
mod words;

use std::fmt::Write as _;

pub use words::Words;

/// A panel's width and height, in SVG units.
pub const PANEL_WIDTH: f64 = 420.0;
pub const PANEL_HEIGHT: f64 = 300.0;
/// Room for tick labels and axis names on the left and bottom, the title on top, and a right axis.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 26.0;
const RIGHT: f64 = 36.0;

/// Colours of the palette (Paul Tol's bright scheme: tells apart for colour-blind readers).
pub const BLUE: &str = "#4477aa";
pub const RED: &str = "#cc3311";
pub const GREEN: &str = "#228833";
pub const BLACK: &str = "#000000";

/// An axis: its range and where its ticks are labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
}

impl Axis {
    /// From `min` to `max` with ticks every `step` from `min` (none beyond `max`).
    pub fn stepped(min: f64, max: f64, step: f64) -> Axis {
        let n = ((max - min) / step + 1e-9).floor().max(0.0) as usize;
        Axis {
            min,
            max,
            ticks: (0..=n).map(|k| min + step * k as f64).collect(),
        }
    }

    /// From 0 to a round number at or above `top` (at least `floor`), with five ticks.
    pub fn from_zero(top: f64, floor: f64) -> Axis {
        let top = if top.is_finite() {
            top.max(floor)
        } else {
            floor
        };
        let magnitude = 10f64.powf(top.log10().floor());
        let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|&v| v >= top - 1e-12)
            .unwrap_or(top);
        Axis::stepped(0.0, nice, nice / 4.0)
    }

    /// The share of the way from `min` to `max` at which `v` lies, clamped to the axis.
    fn share(&self, v: f64) -> f64 {
        let span = self.max - self.min;
        if span <= 0.0 || !v.is_finite() {
            return 0.0;
        }
        ((v - self.min) / span).clamp(0.0, 1.0)
    }
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub colour: &'static str,
    pub width: f64,
    pub opacity: f64,
    /// An SVG dash pattern such as `"6 2"`.
    pub dash: Option<&'static str>,
}

impl Stroke {
    pub const fn solid(colour: &'static str, width: f64) -> Stroke {
        Stroke {
            colour,
            width,
            opacity: 1.0,
            dash: None,
        }
    }

    pub const fn dashed(colour: &'static str, width: f64, dash: &'static str) -> Stroke {
        Stroke {
            colour,
            width,
            opacity: 1.0,
            dash: Some(dash),
        }
    }
}

/// Which vertical axis a layer is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    #[default]
    Left,
    Right,
}

/// What a panel draws, in the order given (later layers on top).
#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    /// A polyline through the points; `label` puts it into the legend.
    Line {
        points: Vec<(f64, f64)>,
        stroke: Stroke,
        side: Side,
        label: Option<String>,
    },
    /// Dots at the points.
    Points {
        points: Vec<(f64, f64)>,
        colour: &'static str,
        label: Option<String>,
    },
    /// Bars standing on zero: `(from x, to x, height)`.
    Bars {
        bars: Vec<(f64, f64, f64)>,
        colour: &'static str,
        label: Option<String>,
    },
    /// A dashed vertical line at `x` with its label near the top; labels of several marks stack.
    Mark {
        x: f64,
        label: String,
        colour: &'static str,
    },
    /// A line of text in the panel's top right corner, under the marks' labels; notes stack.
    Note(String),
}

/// One panel: a title, two axes (a third on the right when `y2` is given) and its layers.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x: Axis,
    pub y: Axis,
    /// The right-hand axis and its name, for layers on [`Side::Right`].
    pub y2: Option<(Axis, String)>,
    pub layers: Vec<Layer>,
}

/// Panels side by side, with a description for readers who cannot see it (the SVG's `<title>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub description: String,
    pub panels: Vec<Panel>,
}

/// `text` with the five characters XML gives meaning to replaced by their entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number as a tick shows it: at most two decimals, no trailing zeros.
fn tick(v: f64) -> String {
    let s = format!("{:.2}", if v.abs() < 5e-3 { 0.0 } else { v });
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Where a panel's plot area lies, and the mapping of values into it.
struct Frame<'a> {
    x0: f64,
    panel: &'a Panel,
}

impl Frame<'_> {
    fn left(&self) -> f64 {
        self.x0 + LEFT
    }
    fn right(&self) -> f64 {
        self.x0 + PANEL_WIDTH - RIGHT
    }
    fn top(&self) -> f64 {
        TOP
    }
    fn bottom(&self) -> f64 {
        PANEL_HEIGHT - BOTTOM
    }
    fn px(&self, x: f64) -> f64 {
        self.left() + self.panel.x.share(x) * (self.right() - self.left())
    }
    fn py(&self, y: f64, side: Side) -> f64 {
        let axis = match (side, &self.panel.y2) {
            (Side::Right, Some((axis, _))) => axis,
            _ => &self.panel.y,
        };
        self.bottom() - axis.share(y) * (self.bottom() - self.top())
    }
}

impl Figure {
    /// The picture as an SVG document.
    pub fn svg(&self) -> String {
        let width = PANEL_WIDTH * self.panels.len().max(1) as f64;
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{PANEL_HEIGHT}" viewBox="0 0 {width} {PANEL_HEIGHT}" font-family="sans-serif" font-size="11"><title>{}</title><rect width="100%" height="100%" fill="white"/>"#,
            escape(&self.description)
        );
        for (k, panel) in self.panels.iter().enumerate() {
            draw_panel(
                &mut out,
                &Frame {
                    x0: PANEL_WIDTH * k as f64,
                    panel,
                },
            );
        }
        out.push_str("</svg>\n");
        out
    }
}

fn draw_panel(out: &mut String, f: &Frame) {
    let p = f.panel;
    let (l, r, t, b) = (f.left(), f.right(), f.top(), f.bottom());
    let mid = (l + r) / 2.0;
    let _ = write!(
        out,
        r#"<g><line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="black"/><line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="black"/><text x="{mid}" y="16" text-anchor="middle" font-weight="bold">{}</text><text x="{mid}" y="{}" text-anchor="middle">{}</text><text x="{h}" y="{v}" transform="rotate(-90 {h} {v})" text-anchor="middle">{}</text>"#,
        escape(&p.title),
        PANEL_HEIGHT - 8.0,
        escape(&p.x_label),
        escape(&p.y_label),
        h = f.x0 + 11.0,
        v = (t + b) / 2.0,
    );
    for &x in &p.x.ticks {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            f.px(x),
            b + 13.0,
            tick(x)
        );
    }
    for &y in &p.y.ticks {
        let _ = write!(
            out,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            l - 3.0,
            f.py(y, Side::Left) + 4.0,
            tick(y)
        );
    }
    if let Some((axis, name)) = &p.y2 {
        let _ = write!(
            out,
            r#"<line x1="{r}" y1="{t}" x2="{r}" y2="{b}" stroke="black"/><text x="{h}" y="{v}" transform="rotate(90 {h} {v})" text-anchor="middle">{}</text>"#,
            escape(name),
            h = f.x0 + PANEL_WIDTH - 8.0,
            v = (t + b) / 2.0,
        );
        for &y in &axis.ticks {
            let _ = write!(
                out,
                r#"<text x="{}" y="{:.1}" text-anchor="start">{}</text>"#,
                r + 3.0,
                f.py(y, Side::Right) + 4.0,
                tick(y)
            );
        }
    }
    // Marks' labels, then notes (right), then the legend (left) stack down from the top, a line each.
    let marks_total = p
        .layers
        .iter()
        .filter(|l| matches!(l, Layer::Mark { .. }))
        .count();
    let notes_total = p
        .layers
        .iter()
        .filter(|l| matches!(l, Layer::Note(_)))
        .count();
    let line = |k: usize| t + 10.0 + 13.0 * k as f64;
    let (mut marks, mut notes) = (0, 0);
    let mut legend: Vec<(&str, &str, bool)> = Vec::new();
    for layer in &p.layers {
        match layer {
            Layer::Line {
                points,
                stroke,
                side,
                label,
            } => {
                let pts: Vec<String> = points
                    .iter()
                    .map(|&(x, y)| format!("{:.1},{:.1}", f.px(x), f.py(y, *side)))
                    .collect();
                let _ = write!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}""#,
                    pts.join(" "),
                    stroke.colour,
                    stroke.width
                );
                if stroke.opacity < 1.0 {
                    let _ = write!(out, r#" stroke-opacity="{}""#, stroke.opacity);
                }
                if let Some(dash) = stroke.dash {
                    let _ = write!(out, r#" stroke-dasharray="{dash}""#);
                }
                out.push_str("/>");
                if let Some(label) = label {
                    legend.push((label, stroke.colour, false));
                }
            }
            Layer::Points {
                points,
                colour,
                label,
            } => {
                for &(x, y) in points {
                    let _ = write!(
                        out,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                        f.px(x),
                        f.py(y, Side::Left)
                    );
                }
                if let Some(label) = label {
                    legend.push((label, colour, true));
                }
            }
            Layer::Bars {
                bars,
                colour,
                label,
            } => {
                for &(x0, x1, h) in bars {
                    let (a, z) = (f.px(x0), f.px(x1));
                    let top = f.py(h, Side::Left);
                    let base = f.py(p.y.min.max(0.0), Side::Left);
                    let _ = write!(
                        out,
                        r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
                        a,
                        top.min(base),
                        ((z - a) * 0.9).max(0.0),
                        (base - top).abs()
                    );
                }
                if let Some(label) = label {
                    legend.push((label, colour, true));
                }
            }
            Layer::Mark { x, label, colour } => {
                let px = f.px(*x);
                // Labels open towards the panel's middle and stack downwards, so they never overlap.
                let anchor = if px > mid { "end" } else { "start" };
                let _ = write!(
                    out,
                    r#"<line x1="{px:.1}" y1="{t}" x2="{px:.1}" y2="{b}" stroke="{colour}" stroke-dasharray="4 3"/><text x="{px:.1}" y="{}" fill="{colour}" text-anchor="{anchor}"> {} </text>"#,
                    line(marks),
                    escape(label)
                );
                marks += 1;
            }
            Layer::Note(text) => {
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                    r - 4.0,
                    line(marks_total + notes),
                    escape(text)
                );
                notes += 1;
            }
        }
    }
    for (k, (label, colour, filled)) in legend.iter().enumerate() {
        let y = line(marks_total + notes_total + k);
        let x = l + 6.0;
        if *filled {
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{}" width="14" height="8" fill="{colour}"/>"#,
                y - 7.0
            );
        } else {
            let _ = write!(
                out,
                r#"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2"/>"#,
                y - 3.0,
                x + 14.0,
                y - 3.0
            );
        }
        let _ = write!(
            out,
            r#"<text x="{}" y="{y}">{}</text>"#,
            x + 18.0,
            escape(label)
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every number after `name="` in the SVG.
    pub(crate) fn attribute_values(svg: &str, name: &str) -> Vec<f64> {
        svg.split(&format!(" {name}=\""))
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.parse().ok())
            .collect()
    }

    /// Parses the SVG as XML (well-formed, one `svg` root) and returns the number of its elements.
    pub(crate) fn well_formed(svg: &str) -> usize {
        let mut stack: Vec<String> = Vec::new();
        let mut elements = 0;
        let mut rest = svg.trim_end();
        assert!(rest.starts_with("<svg "), "an SVG document");
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            assert!(!text.contains('>'), "a bare > in text: {text}");
            let close = rest[open..].find('>').expect("a tag is closed") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "a < inside a tag: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "quoted attributes: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "nesting");
            } else {
                elements += 1;
                let name = tag.split([' ', '/']).next().unwrap().to_owned();
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            for entity in text.split('&').skip(1) {
                let name = entity.split(';').next().unwrap();
                assert!(
                    ["amp", "lt", "gt", "quot", "#39"].contains(&name),
                    "an unknown entity &{name};"
                );
            }
            rest = &rest[close + 1..];
            if stack.is_empty() {
                assert!(rest.trim().is_empty(), "one root: {rest}");
            }
        }
        assert!(stack.is_empty(), "every element is closed");
        elements
    }

    fn panel() -> Panel {
        Panel {
            title: "A <b> & \"c\"".into(),
            x_label: "θ".into(),
            y_label: "P".into(),
            x: Axis::stepped(-3.0, 3.0, 1.0),
            y: Axis::stepped(0.0, 1.0, 0.5),
            y2: Some((Axis::from_zero(0.7, 0.1), "I".into())),
            layers: vec![
                Layer::Line {
                    points: vec![(-10.0, -5.0), (0.0, 0.5), (10.0, 9.0)],
                    stroke: Stroke::solid(BLUE, 2.0),
                    side: Side::Left,
                    label: Some("P(θ) <".into()),
                },
                Layer::Line {
                    points: vec![(-3.0, 0.0), (3.0, 100.0)],
                    stroke: Stroke::dashed(GREEN, 1.5, "6 2"),
                    side: Side::Right,
                    label: None,
                },
                Layer::Points {
                    points: vec![(f64::NAN, 2.0), (1.0, 0.25)],
                    colour: RED,
                    label: None,
                },
                Layer::Bars {
                    bars: vec![(0.0, 1.0, 0.75), (1.0, 2.0, 3.0)],
                    colour: BLUE,
                    label: Some("bars".into()),
                },
                Layer::Mark {
                    x: 7.0,
                    label: "cut & <mark>".into(),
                    colour: RED,
                },
                Layer::Note("n = 3 'x'".into()),
            ],
        }
    }

    #[test]
    fn a_figure_is_well_formed_svg_with_its_description() {
        let figure = Figure {
            description: "Two panels </title>".into(),
            panels: vec![panel(), panel()],
        };
        let svg = figure.svg();
        assert!(well_formed(&svg) > 20);
        assert!(svg.contains("<title>Two panels &lt;/title&gt;</title>"));
        assert!(svg.contains(r#"width="840""#));
    }

    #[test]
    fn labels_are_escaped() {
        let svg = Figure {
            description: String::new(),
            panels: vec![panel()],
        }
        .svg();
        assert!(svg.contains("A &lt;b&gt; &amp; &quot;c&quot;"));
        assert!(svg.contains("cut &amp; &lt;mark&gt;"));
        assert!(svg.contains("n = 3 &#39;x&#39;"));
        assert!(svg.contains("P(θ) &lt;"));
        assert!(!svg.contains("<b>") && !svg.contains("<mark>"));
        assert_eq!(
            escape("a\u{0}b\u{7}"),
            "ab",
            "control characters are dropped"
        );
    }

    #[test]
    fn every_point_lies_inside_the_axes_even_when_its_value_does_not() {
        let svg = Figure {
            description: String::new(),
            panels: vec![panel()],
        }
        .svg();
        let (l, r) = (LEFT, PANEL_WIDTH - RIGHT);
        let (t, b) = (TOP, PANEL_HEIGHT - BOTTOM);
        for x in attribute_values(&svg, "cx") {
            assert!((l..=r).contains(&x), "{x}");
        }
        for y in attribute_values(&svg, "cy") {
            assert!((t..=b).contains(&y), "{y}");
        }
        for points in svg.split(" points=\"").skip(1) {
            for pair in points.split('"').next().unwrap().split(' ') {
                let (x, y) = pair.split_once(',').unwrap();
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!((l - 0.05..=r + 0.05).contains(&x), "{x}");
                assert!((t - 0.05..=b + 0.05).contains(&y), "{y}");
            }
        }
        for y in attribute_values(&svg, "height")
            .into_iter()
            .filter(|&h| h < PANEL_HEIGHT)
        {
            assert!(y <= b - t, "a bar stays inside: {y}");
        }
    }

    #[test]
    fn axes_are_round() {
        assert_eq!(Axis::from_zero(0.7, 0.1).max, 1.0);
        assert_eq!(Axis::from_zero(0.0, 0.5).max, 0.5);
        assert_eq!(Axis::from_zero(f64::NAN, 1.0).max, 1.0);
        assert_eq!(
            Axis::from_zero(1.3, 0.1).ticks,
            vec![0.0, 0.5, 1.0, 1.5, 2.0]
        );
        assert_eq!(Axis::stepped(-3.0, 3.0, 1.0).ticks.len(), 7);
        assert_eq!(
            Axis::stepped(0.0, 0.375, 0.05).ticks.last(),
            Some(&0.35000000000000003),
            "no tick beyond the end"
        );
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(-2.0), "-2");
        assert_eq!(tick(-0.001), "0");
    }
}
