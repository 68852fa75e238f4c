//! Bar charts drawn as PNG pictures for documents: bars with their values written above them,
//! category labels below, a value axis with grid lines. Labels are Cyrillic, so the glyphs come
//! from a bundled font (DejaVu Sans, `data/fonts/`, under its own free licence), rasterized by
//! `ab_glyph`; the picture is encoded by `png`. No system font and no external service is used.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use super::docx::Png;

const FONT: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");

type Rgb = [u8; 3];
const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const GRID: Rgb = [200, 200, 200];
const BAR: Rgb = [46, 84, 150];

/// A picture being drawn, white at first.
struct Canvas {
    w: u32,
    h: u32,
    px: Vec<u8>,
    font: FontRef<'static>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> anyhow::Result<Canvas> {
        let font = FontRef::try_from_slice(FONT)
            .map_err(|_| anyhow::anyhow!("встроенный шрифт для диаграмм не читается"))?;
        Ok(Canvas {
            w,
            h,
            px: WHITE.repeat((w * h) as usize),
            font,
        })
    }

    fn blend(&mut self, x: i64, y: i64, c: Rgb, a: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.w) || y >= i64::from(self.h) {
            return;
        }
        let a = a.clamp(0.0, 1.0);
        let i = ((y as u32 * self.w + x as u32) * 3) as usize;
        for (px, to) in self.px[i..i + 3].iter_mut().zip(c) {
            let old = f32::from(*px);
            *px = (old + (f32::from(to) - old) * a).round() as u8;
        }
    }

    fn rect(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, c: Rgb) {
        for y in y0.min(y1)..y0.max(y1) {
            for x in x0.min(x1)..x0.max(x1) {
                self.blend(x, y, c, 1.0);
            }
        }
    }

    fn text_width(&self, text: &str, size: f32) -> f32 {
        let f = self.font.as_scaled(PxScale::from(size));
        text.chars().map(|c| f.h_advance(f.glyph_id(c))).sum()
    }

    /// Writes `text` with its baseline at `y`; `anchor` 0 — starts at `x`, 0.5 — centered on
    /// it, 1 — ends at it.
    fn text(&mut self, text: &str, x: f32, y: f32, size: f32, anchor: f32, c: Rgb) {
        let start = x - self.text_width(text, size) * anchor;
        let font = self.font.clone();
        let scaled = font.as_scaled(PxScale::from(size));
        let mut pen = start;
        for ch in text.chars() {
            let id = scaled.glyph_id(ch);
            let glyph = id.with_scale_and_position(PxScale::from(size), point(pen, y));
            pen += scaled.h_advance(id);
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                let mut cover = Vec::new();
                outline.draw(|gx, gy, a| cover.push((gx, gy, a)));
                for (gx, gy, a) in cover {
                    self.blend(
                        b.min.x as i64 + i64::from(gx),
                        b.min.y as i64 + i64::from(gy),
                        c,
                        a,
                    );
                }
            }
        }
    }

    fn png(self) -> anyhow::Result<Png> {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, self.w, self.h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc
                .write_header()
                .map_err(|e| anyhow::anyhow!("диаграмма не записана в PNG: {e}"))?;
            w.write_image_data(&self.px)
                .map_err(|e| anyhow::anyhow!("диаграмма не записана в PNG: {e}"))?;
        }
        Ok(Png {
            bytes,
            width: self.w,
            height: self.h,
        })
    }
}

/// A bar of a chart: its label under the axis, its value, the text written above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub caption: String,
}

/// A vertical bar chart, 1600 × 800 pixels (sharp at 16 cm wide): the value axis runs from 0 to
/// `max` with grid lines every `step`, named `axis`.
pub fn bars(bars: &[Bar], max: f64, step: f64, axis: &str) -> anyhow::Result<Png> {
    let (w, h) = (1600u32, 800u32);
    let mut c = Canvas::new(w, h)?;
    let label = 36.0;
    let (left, right, top, bottom) = (120.0f32, 30.0f32, 60.0f32, 110.0f32);
    let plot_w = w as f32 - left - right;
    let plot_h = h as f32 - top - bottom;
    let max = if max > 0.0 { max } else { 1.0 };
    let y_of = |v: f64| top + plot_h * (1.0 - (v / max).clamp(0.0, 1.0) as f32);
    // Grid lines and their values.
    let step = if step > 0.0 { step } else { max };
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let y = y_of(v);
        c.rect(
            left as i64,
            y as i64,
            (w as f32 - right) as i64,
            y as i64 + 2,
            GRID,
        );
        c.text(&format_axis(v), left - 12.0, y + 10.0, label, 1.0, BLACK);
        v += step;
    }
    c.text(axis, left - 100.0, top - 24.0, label, 0.0, BLACK);
    let n = bars.len().max(1) as f32;
    let slot = plot_w / n;
    let bar_w = (slot * 0.6).max(2.0);
    for (i, b) in bars.iter().enumerate() {
        let cx = left + slot * (i as f32 + 0.5);
        let y = y_of(b.value);
        c.rect(
            (cx - bar_w / 2.0) as i64,
            y as i64,
            (cx + bar_w / 2.0) as i64,
            (top + plot_h) as i64,
            BAR,
        );
        c.text(&b.caption, cx, y - 10.0, label, 0.5, BLACK);
        // Labels that do not fit their slot shrink.
        let mut size = label;
        while size > 16.0 && c.text_width(&b.label, size) > slot - 6.0 {
            size -= 2.0;
        }
        c.text(&b.label, cx, top + plot_h + 40.0, size, 0.5, BLACK);
    }
    // The axes.
    c.rect(
        left as i64 - 2,
        top as i64,
        left as i64,
        (top + plot_h) as i64 + 2,
        BLACK,
    );
    c.rect(
        left as i64 - 2,
        (top + plot_h) as i64,
        (w as f32 - right) as i64,
        (top + plot_h) as i64 + 3,
        BLACK,
    );
    c.png()
}

fn format_axis(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        crate::domain::decimal::fixed(v, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_png_whose_bars_reach_their_values() {
        let png = bars(
            &[
                Bar {
                    label: "К1".into(),
                    value: 50.0,
                    caption: "50,00".into(),
                },
                Bar {
                    label: "К2".into(),
                    value: 100.0,
                    caption: "100,00".into(),
                },
            ],
            100.0,
            20.0,
            "баллы",
        )
        .unwrap();
        assert_eq!((png.width, png.height), (1600, 800));
        let decoder = png::Decoder::new(std::io::Cursor::new(png.bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let at = |x: u32, y: u32| {
            let i = ((y * info.width + x) * 3) as usize;
            [buf[i], buf[i + 1], buf[i + 2]]
        };
        // Plot area: top 60, height 630; slot 725 px wide. Bar 1 (50) spans y 375…690 at
        // x = 120 + 362; bar 2 (100) reaches y 60.
        assert_eq!(at(482, 400), BAR);
        assert_eq!(at(482, 300), WHITE);
        assert_eq!(at(1207, 70), BAR);
    }
}
