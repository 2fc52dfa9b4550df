//! Hand-written SVG charts: a radar of the aspects (one polygon per series) and horizontal bars
//! with the predicate bands shaded. Coordinates are drawing geometry only (f64, one decimal);
//! every number a reader sees is exact text passed in by the caller.

use std::fmt::Write;

/// Escapes text for XML and HTML.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

/// Word-wraps `text` into at most `max_lines` lines of at most `width` characters; what does not
/// fit ends in `…`, so a label never runs into its neighbour.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let word: String = if word.chars().count() > width {
            word.chars()
                .take(width.saturating_sub(1))
                .collect::<String>()
                + "…"
        } else {
            word.to_string()
        };
        if cur.is_empty() {
            cur = word;
        } else if cur.chars().count() + 1 + word.chars().count() <= width {
            cur.push(' ');
            cur.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().unwrap();
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", keep.trim_end());
    }
    lines
}

/// A point on a radar: axis `k` of `n` (axis 0 points up, clockwise), at `value` of `max`.
pub fn radar_point(
    center: (f64, f64),
    radius: f64,
    max: f64,
    value: f64,
    k: usize,
    n: usize,
) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n as f64;
    let r = radius * (value / max).clamp(0.0, 1.0);
    (center.0 + r * angle.cos(), center.1 + r * angle.sin())
}

fn points(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One polygon of a radar.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
    pub class: &'a str,
}

/// An axis of the radar: a short label (`A1`) and the value text shown beside it.
pub struct Axis {
    pub label: String,
    pub value: String,
}

pub const RADAR_SIZE: (f64, f64) = (380.0, 330.0);
pub const RADAR_CENTER: (f64, f64) = (190.0, 165.0);
pub const RADAR_RADIUS: f64 = 120.0;

/// A radar chart: rings at every level, one spoke per axis, one polygon per series.
pub fn radar(title: &str, axes: &[Axis], series: &[Series], max: u8) -> String {
    let (w, h) = RADAR_SIZE;
    let n = axes.len();
    let maxf = max as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart radar" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    for level in 1..=max {
        let ring: Vec<_> = (0..n)
            .map(|k| radar_point(RADAR_CENTER, RADAR_RADIUS, maxf, level as f64, k, n))
            .collect();
        let _ = write!(s, r#"<polygon class="ring" points="{}"/>"#, points(&ring));
    }
    for k in 0..n {
        let (x, y) = radar_point(RADAR_CENTER, RADAR_RADIUS, maxf, maxf, k, n);
        let _ = write!(
            s,
            r#"<line class="spoke" x1="{:.1}" y1="{:.1}" x2="{x:.1}" y2="{y:.1}"/>"#,
            RADAR_CENTER.0, RADAR_CENTER.1
        );
    }
    for level in 1..=max {
        let (x, y) = radar_point(RADAR_CENTER, RADAR_RADIUS, maxf, level as f64, 0, n);
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{:.1}">{level}</text>"#,
            x + 3.0,
            y + 10.0
        );
    }
    for se in series {
        let pts: Vec<_> = se
            .values
            .iter()
            .enumerate()
            .map(|(k, v)| radar_point(RADAR_CENTER, RADAR_RADIUS, maxf, *v, k, n))
            .collect();
        let _ = write!(
            s,
            r#"<polygon class="series {}" points="{}"><title>{}</title></polygon>"#,
            se.class,
            points(&pts),
            escape(se.name)
        );
    }
    for (k, axis) in axes.iter().enumerate() {
        let (x, y) = radar_point(RADAR_CENTER, RADAR_RADIUS + 16.0, maxf, maxf, k, n);
        let angle = std::f64::consts::TAU * k as f64 / n as f64;
        let anchor = if angle.sin() > 0.3 {
            "start"
        } else if angle.sin() < -0.3 {
            "end"
        } else {
            "middle"
        };
        // Below the centre the label hangs down; above it sits on its baseline.
        let dy = if angle.cos() < -0.3 { 10.0 } else { 0.0 };
        let _ = write!(
            s,
            r#"<text class="axis" x="{x:.1}" y="{:.1}" text-anchor="{anchor}"><tspan class="axis-id">{}</tspan> <tspan class="axis-value">{}</tspan></text>"#,
            y + dy,
            escape(&axis.label),
            escape(&axis.value)
        );
    }
    s.push_str("</svg>");
    s
}

/// A bar of the bar chart.
pub struct Bar {
    pub id: String,
    pub name: String,
    pub value: f64,
    pub value_text: String,
}

/// A shaded predicate band: name and range.
pub struct Band {
    pub name: String,
    pub min: f64,
    pub max: f64,
}

pub const BARS_WIDTH: f64 = 600.0;
pub const BARS_LEFT: f64 = 200.0;
pub const BARS_RIGHT: f64 = 40.0;
const BARS_TOP: f64 = 42.0;
const BAR_ROW: f64 = 46.0;
const NAME_WIDTH: usize = 30;

/// The x coordinate of `value` on the bar chart's 0..`max` axis.
pub fn bar_x(value: f64, max: f64) -> f64 {
    BARS_LEFT + (BARS_WIDTH - BARS_LEFT - BARS_RIGHT) * (value / max).clamp(0.0, 1.0)
}

/// Horizontal bars over the predicate bands, with an optional target line.
pub fn bars(
    title: &str,
    bars: &[Bar],
    bands: &[Band],
    max: u8,
    target: Option<(f64, String)>,
) -> String {
    let maxf = max as f64;
    let plot_h = BAR_ROW * bars.len() as f64;
    let h = BARS_TOP + plot_h + 34.0;
    let w = BARS_WIDTH;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart bars" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    for (i, b) in bands.iter().enumerate() {
        let (x0, x1) = (bar_x(b.min, maxf), bar_x(b.max, maxf));
        let _ = write!(
            s,
            r#"<rect class="band band{}" x="{x0:.1}" y="{BARS_TOP:.1}" width="{:.1}" height="{plot_h:.1}"><title>{}</title></rect>"#,
            i % 6,
            x1 - x0,
            escape(&b.name)
        );
        // Band names in two staggered rows so narrow neighbours never collide.
        let y = if i % 2 == 0 { 16.0 } else { 32.0 };
        let _ = write!(
            s,
            r#"<text class="band-name" x="{:.1}" y="{y:.1}" text-anchor="middle">{}</text>"#,
            (x0 + x1) / 2.0,
            escape(&b.name)
        );
    }
    for t in 0..=max {
        let x = bar_x(t as f64, maxf);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{x:.1}" y1="{BARS_TOP:.1}" x2="{x:.1}" y2="{:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{t}</text>"#,
            BARS_TOP + plot_h,
            BARS_TOP + plot_h + 14.0
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = BARS_TOP + BAR_ROW * i as f64;
        let x1 = bar_x(b.value, maxf);
        let _ = write!(
            s,
            r#"<rect class="bar" x="{BARS_LEFT:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/><text class="bar-value" x="{:.1}" y="{:.1}">{}</text>"#,
            y + 10.0,
            x1 - BARS_LEFT,
            BAR_ROW - 20.0,
            x1 + 4.0,
            y + BAR_ROW / 2.0 + 4.0,
            escape(&b.value_text)
        );
        let lines = wrap(&b.name, NAME_WIDTH, 2);
        let _ = write!(
            s,
            r#"<text class="bar-label" x="{:.1}" y="{:.1}" text-anchor="end"><tspan class="bar-id">{}</tspan>"#,
            BARS_LEFT - 6.0,
            y + 14.0,
            escape(&b.id)
        );
        for (j, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                r#"<tspan x="{:.1}" y="{:.1}">{}</tspan>"#,
                BARS_LEFT - 6.0,
                y + 26.0 + 11.0 * j as f64,
                escape(line)
            );
        }
        s.push_str("</text>");
    }
    if let Some((t, label)) = target {
        let x = bar_x(t, maxf);
        let _ = write!(
            s,
            r#"<line class="target" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"/><text class="target-label" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            BARS_TOP - 2.0,
            BARS_TOP + plot_h + 2.0,
            BARS_TOP + plot_h + 28.0,
            escape(&label)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn radar_vertices_sit_at_value_over_max_of_the_radius() {
        for n in [3usize, 5, 8] {
            for (k, v) in [(0, 5.0), (1, 2.5), (2, 1.0)] {
                let p = radar_point((100.0, 100.0), 80.0, 5.0, v, k, n);
                assert!((dist(p, (100.0, 100.0)) - 80.0 * v / 5.0).abs() < 1e-9);
            }
        }
        // Axis 0 points straight up, axis 2 of 8 straight right, axis 4 of 8 straight down.
        let up = radar_point((100.0, 100.0), 80.0, 5.0, 5.0, 0, 8);
        assert!((up.0 - 100.0).abs() < 1e-9 && (up.1 - 20.0).abs() < 1e-9);
        let right = radar_point((100.0, 100.0), 80.0, 5.0, 2.5, 2, 8);
        assert!((right.0 - 140.0).abs() < 1e-9 && (right.1 - 100.0).abs() < 1e-9);
        let down = radar_point((100.0, 100.0), 80.0, 5.0, 1.0, 4, 8);
        assert!((down.0 - 100.0).abs() < 1e-9 && (down.1 - 116.0).abs() < 1e-9);
        // Out-of-range values are clamped to the chart.
        let out = radar_point((0.0, 0.0), 10.0, 5.0, 7.0, 0, 4);
        assert!((dist(out, (0.0, 0.0)) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn radar_polygon_vertices_in_the_svg() {
        let axes: Vec<Axis> = (1..=4)
            .map(|i| Axis {
                label: format!("A{i}"),
                value: "x".into(),
            })
            .collect();
        let svg = radar(
            "t",
            &axes,
            &[Series {
                name: "now",
                values: vec![5.0, 2.5, 5.0, 0.0],
                class: "current",
            }],
            5,
        );
        // Centre (190,165), radius 120: up 120, right 60, down 120, centre.
        assert!(
            svg.contains(
                r#"<polygon class="series current" points="190.0,45.0 250.0,165.0 190.0,285.0 190.0,165.0">"#
            ),
            "{svg}"
        );
        // Five rings for levels 1..5, four spokes.
        assert_eq!(svg.matches(r#"class="ring""#).count(), 5);
        assert_eq!(svg.matches(r#"class="spoke""#).count(), 4);
    }

    #[test]
    fn bars_scale_to_the_plot_and_shade_bands() {
        assert_eq!(bar_x(0.0, 5.0), BARS_LEFT);
        assert_eq!(bar_x(5.0, 5.0), BARS_WIDTH - BARS_RIGHT);
        let svg = bars(
            "t",
            &[Bar {
                id: "D1".into(),
                name: "Kebijakan Internal SPBE".into(),
                value: 2.5,
                value_text: "2.50".into(),
            }],
            &[Band {
                name: "Baik".into(),
                min: 2.6,
                max: 3.5,
            }],
            5,
            Some((3.0, "Target 3.00".into())),
        );
        assert!(
            svg.contains(r#"<rect class="bar" x="200.0" y="52.0" width="180.0""#),
            "{svg}"
        );
        assert!(svg.contains(r#"class="band band0" x="387.2""#), "{svg}");
        assert!(svg.contains(">Target 3.00</text>"));
    }

    #[test]
    fn long_names_wrap_and_abbreviate() {
        assert_eq!(
            wrap(
                "Layanan Administrasi Pemerintahan Berbasis Elektronik",
                30,
                2
            ),
            vec!["Layanan Administrasi", "Pemerintahan Berbasis…"]
        );
        assert_eq!(wrap("Tata Kelola SPBE", 30, 2), vec!["Tata Kelola SPBE"]);
        assert_eq!(wrap("Supercalifragilistic", 8, 1), vec!["Superca…"]);
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
