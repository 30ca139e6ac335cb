#!/usr/bin/env python3
"""Draw the pictures of the reading items (item-bank/content/images/<item-id>.svg).

Every picture an item shows is described in PICTURES below: a clock face, a
price tag, a receipt, a board (timetable, menu, price list), a calendar page, a
ticket, a label or a forecast, with the picture's text alternative, which the
script writes as the <title> of the root <svg>. The script writes plain SVG text: deterministic
(the same description always gives the same bytes), UTF-8, font-family
"sans-serif", no script, no external reference, no <use>, nothing the bank
loader's check_svg refuses. Cyrillic text is written as is.

Usage:  python3 tools/draw-images.py [--content DIR] [--check]
  --check  write nothing; exit 1 if a picture is missing or differs from its
           description, or if images/ holds a picture no description names.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import NamedTuple

INK = "#1f2933"
PAPER = "#ffffff"
MUTED = "#52606d"
ACCENT = "#c0392b"
FONT = 'font-family="sans-serif"'


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def num(x: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros, so output never depends on float noise."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def text(x: float, y: float, s: str, size: int = 16, anchor: str = "start", weight: str = "normal",
         fill: str = INK, extra: str = "") -> str:
    return (f'<text x="{num(x)}" y="{num(y)}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}"{extra}>{esc(s)}</text>')


class Drawing(NamedTuple):
    """What a picture shows, before it gets its text alternative: size and SVG elements."""
    width: int
    height: int
    body: list[str]


def svg(title: str, drawing: Drawing) -> str:
    """The SVG document: `title` (the text alternative, see PICTURES) as the root's first child, then a
    white page and the drawing."""
    width, height = drawing.width, drawing.height
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" aria-labelledby="title">',
        f'<title id="title">{esc(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{PAPER}"/>',
        *drawing.body,
        "</svg>",
        "",
    ])


def clock(hour: int, minute: int, caption: str = "") -> Drawing:
    """An analogue clock face showing hour:minute (12-hour dial)."""
    cx, cy, r = 130, 130, 110
    body = [f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{PAPER}" stroke="{INK}" stroke-width="6"/>']
    for k in range(60):
        a = math.radians(k * 6)
        outer, inner = r - 8, r - (22 if k % 5 == 0 else 14)
        w = 4 if k % 5 == 0 else 1.5
        body.append(f'<line x1="{num(cx + inner * math.sin(a))}" y1="{num(cy - inner * math.cos(a))}" '
                    f'x2="{num(cx + outer * math.sin(a))}" y2="{num(cy - outer * math.cos(a))}" '
                    f'stroke="{INK}" stroke-width="{w}"/>')
    for n in range(1, 13):
        a = math.radians(n * 30)
        body.append(text(cx + (r - 42) * math.sin(a), cy - (r - 42) * math.cos(a) + 8, str(n), 22, "middle",
                         "bold"))
    hour_angle = math.radians((hour % 12) * 30 + minute * 0.5)
    minute_angle = math.radians(minute * 6)
    for angle, length, width in ((hour_angle, 55, 9), (minute_angle, 85, 5)):
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{num(cx + length * math.sin(angle))}" '
                    f'y2="{num(cy - length * math.cos(angle))}" stroke="{INK}" stroke-width="{width}" '
                    f'stroke-linecap="round"/>')
    body.append(f'<circle cx="{cx}" cy="{cy}" r="7" fill="{ACCENT}"/>')
    height = 260
    if caption:
        body.append(text(cx, 285, caption, 18, "middle"))
        height = 300
    return Drawing(260, height, body)


def price_tag(title: str, price: str, unit: str = "", old_price: str = "", note: str = "") -> Drawing:
    """A shelf price tag: product, unit, price in tenge, optionally a crossed-out old price and a note."""
    body = [f'<rect x="10" y="10" width="300" height="180" rx="14" fill="#fff8db" stroke="{INK}" stroke-width="3"/>',
            f'<circle cx="40" cy="40" r="8" fill="{PAPER}" stroke="{INK}" stroke-width="2"/>',
            text(160, 55, title, 26, "middle", "bold")]
    if unit:
        body.append(text(160, 82, unit, 18, "middle", fill=MUTED))
    if old_price:
        body.append(text(110, 117, old_price, 22, "middle", fill=MUTED))
        body.append(f'<line x1="50" y1="110" x2="170" y2="110" stroke="{ACCENT}" stroke-width="3"/>')
    body.append(text(160, 160, price, 40 if len(price) <= 10 else 32, "middle", "bold",
                     ACCENT if old_price else INK))
    if note:
        body.append(f'<rect x="196" y="96" width="108" height="28" rx="6" fill="{ACCENT}"/>')
        body.append(text(250, 116, note, 16, "middle", "bold", PAPER))
    return Drawing(320, 200, body)


def receipt(lines: list[str], bold: tuple[int, ...] = ()) -> Drawing:
    """A paper receipt: one text line per entry, monospaced-looking columns are not needed."""
    height = 40 + 26 * len(lines)
    body = [f'<rect x="10" y="10" width="300" height="{height - 20}" fill="#fdfdf8" stroke="{MUTED}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>']
    for k, line in enumerate(lines):
        y = 40 + 26 * k
        if line == "---":
            body.append(f'<line x1="24" y1="{y - 8}" x2="296" y2="{y - 8}" stroke="{MUTED}" '
                        f'stroke-width="1.5" stroke-dasharray="4 3"/>')
            continue
        left, _, right = line.partition("|")
        weight = "bold" if k in bold else "normal"
        body.append(text(24, y, left.strip(), 16, "start", weight))
        if right:
            body.append(text(296, y, right.strip(), 16, "end", weight))
    return Drawing(320, height, body)


def board(title: str, rows: list[list[str]], widths: list[int], header: list[str] | None = None,
          dark: bool = True) -> Drawing:
    """A board or table: a title bar, an optional header row and rows of cells."""
    width = 20 + sum(widths)
    n = len(rows) + (1 if header else 0)
    height = 70 + 36 * n
    bg, fg = ("#102a43", "#f0f4f8") if dark else ("#f0f4f8", INK)
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" rx="10" fill="{bg}"/>',
            text(width / 2, 38, title, 22, "middle", "bold", "#ffd166" if dark else ACCENT)]
    y = 76
    table = ([header] if header else []) + rows
    for k, row in enumerate(table):
        x = 10
        is_header = header is not None and k == 0
        for cell, w in zip(row, widths):
            body.append(text(x + 8, y, cell, 17, "start", "bold" if is_header else "normal",
                             "#9fb3c8" if is_header else fg))
            x += w
        if k < len(table) - 1:
            body.append(f'<line x1="10" y1="{y + 12}" x2="{width - 10}" y2="{y + 12}" '
                        f'stroke="#486581" stroke-width="1"/>')
        y += 36
    return Drawing(width, height, body)


def plate(lines: list[tuple[str, int, str]], width: int = 340) -> Drawing:
    """A sign or label: lines of (text, size, weight) centred on a framed plate."""
    height = 40 + sum(size + 14 for _, size, _ in lines)
    body = [f'<rect x="6" y="6" width="{width - 12}" height="{height - 12}" rx="10" fill="#f8f9fa" '
            f'stroke="{INK}" stroke-width="4"/>']
    y = 26
    for s, size, weight in lines:
        y += size + 14
        body.append(text(width / 2, y - 10, s, size, "middle", weight))
    return Drawing(width, height, body)


WEEKDAYS = ["Дс", "Сс", "Ср", "Бс", "Жм", "Сб", "Жс"]


def calendar(month: str, first_weekday: int, days: int, marked: int, note: str) -> Drawing:
    """A month page, weeks starting on Monday; `first_weekday` 0 = Monday; one day circled."""
    cell = 44
    width, height = 20 + 7 * cell, 120 + cell * 6 + 30
    body = [f'<rect x="0" y="0" width="{width}" height="60" fill="{ACCENT}"/>',
            text(width / 2, 40, month, 26, "middle", "bold", PAPER)]
    for k, d in enumerate(WEEKDAYS):
        body.append(text(10 + cell * k + cell / 2, 90, d, 16, "middle", "bold", ACCENT if k >= 5 else MUTED))
    for day in range(1, days + 1):
        pos = first_weekday + day - 1
        col, row = pos % 7, pos // 7
        x, y = 10 + cell * col + cell / 2, 124 + cell * row
        if day == marked:
            body.append(f'<circle cx="{num(x)}" cy="{num(y - 6)}" r="18" fill="none" stroke="{ACCENT}" '
                        f'stroke-width="3"/>')
        body.append(text(x, y, str(day), 18, "middle", "bold" if col >= 5 else "normal"))
    body.append(text(width / 2, height - 14, note, 17, "middle", "bold", ACCENT))
    return Drawing(width, height, body)


def ticket(lines: list[str], title: str) -> Drawing:
    """A ticket with a title band and one line per entry."""
    height = 80 + 28 * len(lines)
    body = [f'<rect x="8" y="8" width="384" height="{height - 16}" rx="12" fill="#eef6ff" stroke="{INK}" '
            f'stroke-width="3"/>',
            f'<rect x="8" y="8" width="384" height="46" rx="12" fill="#1d4ed8"/>',
            text(200, 40, title, 22, "middle", "bold", PAPER),
            f'<line x1="300" y1="60" x2="300" y2="{height - 14}" stroke="{MUTED}" stroke-width="2" '
            f'stroke-dasharray="5 5"/>']
    for k, line in enumerate(lines):
        body.append(text(24, 86 + 28 * k, line, 17))
    return Drawing(400, height, body)


def weather_icon(kind: str, x: float, y: float) -> list[str]:
    """A small drawing of the sky: sun, cloud, rain or snow, centred at (x, y)."""
    out: list[str] = []
    if kind == "sun":
        out.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="16" fill="#f6c90e"/>')
        for k in range(8):
            a = math.radians(k * 45)
            out.append(f'<line x1="{num(x + 22 * math.cos(a))}" y1="{num(y + 22 * math.sin(a))}" '
                       f'x2="{num(x + 30 * math.cos(a))}" y2="{num(y + 30 * math.sin(a))}" '
                       f'stroke="#f6c90e" stroke-width="4" stroke-linecap="round"/>')
        return out
    out.append(f'<ellipse cx="{num(x)}" cy="{num(y)}" rx="30" ry="16" fill="#9aa5b1"/>')
    out.append(f'<circle cx="{num(x - 10)}" cy="{num(y - 10)}" r="14" fill="#9aa5b1"/>')
    out.append(f'<circle cx="{num(x + 10)}" cy="{num(y - 14)}" r="16" fill="#9aa5b1"/>')
    if kind == "rain":
        for dx in (-16, 0, 16):
            out.append(f'<line x1="{num(x + dx)}" y1="{num(y + 22)}" x2="{num(x + dx - 6)}" '
                       f'y2="{num(y + 38)}" stroke="#2563eb" stroke-width="4" stroke-linecap="round"/>')
    if kind == "snow":
        for dx in (-16, 0, 16):
            out.append(text(x + dx, y + 42, "*", 26, "middle", "bold", "#2563eb"))
    return out


def forecast(title: str, days: list[tuple[str, str, str]]) -> Drawing:
    """Forecast cards: (day, icon kind, temperature) side by side."""
    w = 120
    width, height = 20 + w * len(days), 250
    body = [text(width / 2, 34, title, 22, "middle", "bold")]
    for k, (day, kind, temp) in enumerate(days):
        x = 10 + w * k
        body.append(f'<rect x="{x + 4}" y="52" width="{w - 8}" height="184" rx="10" fill="#f0f4f8" '
                    f'stroke="#bcccdc" stroke-width="2"/>')
        body.append(text(x + w / 2, 82, day, 17, "middle", "bold"))
        body.extend(weather_icon(kind, x + w / 2, 138))
        body.append(text(x + w / 2, 216, temp, 26, "middle", "bold", ACCENT if temp.startswith("+") else "#2563eb"))
    return Drawing(width, height, body)


def family_tree(couples: list[tuple[tuple[str, str], tuple[str, str]]], children: list[tuple[str, str]]) -> Drawing:
    """Generations top down: each couple (relation, name) side by side joined by a line, the couple's
    line dropping to the next generation; the last row holds the children."""
    body: list[str] = []
    box_w, box_h, gap = 210, 60, 280
    width = 40 + gap + box_w

    def box(relation: str, name: str, x: float, y: float) -> None:
        body.append(f'<rect x="{num(x - box_w / 2)}" y="{num(y - box_h / 2)}" width="{box_w}" height="{box_h}" '
                    f'rx="10" fill="#f0f4f8" stroke="{INK}" stroke-width="2"/>')
        body.append(text(x, y - 6, relation, 15, "middle", fill=MUTED))
        body.append(text(x, y + 18, name, 18, "middle", "bold"))

    left, right, mid = 20 + box_w / 2, 20 + box_w / 2 + gap, 20 + box_w / 2 + gap / 2
    y = 50
    for k, (a, b) in enumerate(couples):
        body.append(f'<line x1="{num(left + box_w / 2)}" y1="{y}" x2="{num(right - box_w / 2)}" y2="{y}" '
                    f'stroke="{MUTED}" stroke-width="3"/>')
        if k < len(couples) - 1:  # this couple are the parents of the next couple's first person
            body.append(f'<polyline points="{num(mid)},{y} {num(mid)},{y + 65} {num(left)},{y + 65} '
                        f'{num(left)},{y + 130 - box_h / 2}" fill="none" stroke="{MUTED}" stroke-width="3"/>')
        else:
            body.append(f'<line x1="{num(mid)}" y1="{y}" x2="{num(mid)}" y2="{y + 65}" stroke="{MUTED}" '
                        f'stroke-width="3"/>')
        box(*a, left, y)
        box(*b, right, y)
        y += 130
    body.append(f'<line x1="{num(left)}" y1="{y - 65}" x2="{num(right)}" y2="{y - 65}" stroke="{MUTED}" '
                f'stroke-width="3"/>')
    for child, x in zip(children, (left, right)):
        body.append(f'<line x1="{num(x)}" y1="{y - 65}" x2="{num(x)}" y2="{y - box_h / 2}" stroke="{MUTED}" '
                    f'stroke-width="3"/>')
        box(*child, x, y)
    return Drawing(int(width), y + 45, body)


# ---------------------------------------------------------------------------------------------------
# Every picture of the bank, by the id of the item that shows it: its text alternative (the SVG <title>,
# which the candidate's page gives screen readers as the picture's alt text) and its drawing. The title
# says in plain Kazakh what a sighted candidate sees, as a text stimulus would: every word and number of
# the picture and what its drawings show (a clock's time, a crossed-out price, a rain cloud), nothing
# more, and never which option is right. At most 200 characters; update it with the drawing.
PICTURES = {
    # numbers-time
    "rd-a1-numbers-time-pic-001": (
        "Сағат: 7:30.",
        lambda: clock(7, 30)),
    "rd-a1-numbers-time-pic-002": (
        "Сағат тоғыздан он бес минут өтті.",
        lambda: clock(9, 15)),
    "rd-a1-numbers-time-pic-003": (
        "Сағат: 2:50. Астында: «Қазір күндіз».",
        lambda: clock(2, 50, "Қазір күндіз")),
    "rd-a1-numbers-time-pic-004": (
        "Күнтізбе: НАУРЫЗ 2025. Апта күндері: Дс, Сс, Ср, Бс, Жм, Сб, Жс. 22 саны дөңгелекпен белгіленген, "
        "ол Сб бағанында. Астында: «Наурыз мейрамы!»",
        lambda: calendar("НАУРЫЗ 2025", 5, 31, 22, "Наурыз мейрамы!")),
    # shopping
    "rd-a1-shopping-pic-001": (
        "Баға белгісі: Алма, 1 кг. Ескі баға: 1200 теңге (сызылған). Жаңа баға: 900 теңге. Жазу: «Жеңілдік».",
        lambda: price_tag("Алма", "900 теңге", "1 кг", "1200 теңге", "Жеңілдік")),
    "rd-a1-shopping-pic-002": (
        "Баға белгісі: Көйлек. Өлшемі: 42–48. 15 000 теңге.",
        lambda: price_tag("Көйлек", "15 000 теңге", "өлшемі: 42–48")),
    "rd-a1-shopping-pic-003": (
        "Чек: «Береке» дүкені, 12.10.2025, 19:05. Нан, 2 дана — 360. Сүт, 1 л — 520. Жұмыртқа, 10 дана — 950. "
        "Барлығы: 1830 теңге. Төлем: карта. Рақмет! Тағы келіңіз!",
        lambda: receipt([
            "«Береке» дүкені", "12.10.2025   19:05", "---",
            "Нан, 2 дана | 360", "Сүт, 1 л | 520", "Жұмыртқа, 10 дана | 950", "---",
            "Барлығы: | 1830 теңге", "Төлем: | карта", "Рақмет! Тағы келіңіз!"], bold=(7,))),
    # food
    "rd-a1-food-pic-001": (
        "Тақта: АСХАНА МӘЗІРІ. Сорпа — 700 теңге. Палау — 1400 теңге. Манты — 1200 теңге. Салат — 600 теңге. "
        "Шай — 150 теңге. Компот — 250 теңге.",
        lambda: board("АСХАНА МӘЗІРІ", [
            ["Сорпа", "700 теңге"], ["Палау", "1400 теңге"], ["Манты", "1200 теңге"],
            ["Салат", "600 теңге"], ["Шай", "150 теңге"], ["Компот", "250 теңге"]], [190, 150])),
    "rd-a1-food-pic-002": (
        "Жапсырма: СҮТ. 1 литр. Майлылығы: 2,5 %. 12.05.2025 дейін ішіңіз. Тоңазытқышта сақтаңыз.",
        lambda: plate([
            ("СҮТ", 40, "bold"), ("1 литр", 20, "normal"), ("Майлылығы: 2,5 %", 18, "normal"),
            ("12.05.2025 дейін ішіңіз", 20, "bold"), ("Тоңазытқышта сақтаңыз", 18, "normal")])),
    # city-transport
    "rd-a1-city-transport-pic-001": (
        "Тақта: ВОКЗАЛ. ПОЙЫЗДАР. Астана: 08:15-те кетеді, платформа 2. Шымкент: 10:40-та кетеді, "
        "платформа 1. Қарағанды: 13:05-те кетеді, платформа 3. Түркістан: 16:30-да кетеді, платформа 2.",
        lambda: board("ВОКЗАЛ. ПОЙЫЗДАР", [
            ["Астана", "08:15", "2"], ["Шымкент", "10:40", "1"], ["Қарағанды", "13:05", "3"],
            ["Түркістан", "16:30", "2"]], [180, 110, 140], header=["Қайда", "Кетеді", "Платформа"])),
    "rd-a1-city-transport-pic-002": (
        "Тақта: 24. «Университет» аялдамасы. Жұмыс күндері: 6:30–22:00, әр 15 минут сайын. "
        "Сенбі, жексенбі: 7:00–21:00, әр 30 минут сайын.",
        lambda: plate([
            ("24", 48, "bold"), ("«Университет» аялдамасы", 20, "bold"),
            ("Жұмыс күндері: 6:30–22:00", 18, "normal"), ("әр 15 минут сайын", 18, "normal"),
            ("Сенбі, жексенбі: 7:00–21:00", 18, "normal"), ("әр 30 минут сайын", 18, "normal")], 380)),
    # weather-nature
    "rd-a1-weather-nature-pic-001": (
        "Ауа райы: Павлодар. Дүйсенбі: күн ашық, +25°. Сейсенбі: бұлтты, +18°. Сәрсенбі: жаңбыр, +15°. "
        "Бейсенбі: күн ашық, +22°.",
        lambda: forecast("Ауа райы: Павлодар", [
            ("Дүйсенбі", "sun", "+25°"), ("Сейсенбі", "cloud", "+18°"), ("Сәрсенбі", "rain", "+15°"),
            ("Бейсенбі", "sun", "+22°")])),
    "rd-a1-weather-nature-pic-002": (
        "Ауа райы. Бүгін, Астана. Таңертең: қар, −15°. Түсте: бұлтты, −10°. Кешке: қар, −18°.",
        lambda: forecast("Бүгін, Астана", [
            ("Таңертең", "snow", "−15°"), ("Түсте", "cloud", "−10°"), ("Кешке", "snow", "−18°")])),
    # health-body
    "rd-a1-health-body-pic-001": (
        "Тақтайша: 205-кабинет. Терапевт. Ахметова Гүлнар Серікқызы. Қабылдау уақыты: Дс, Ср, Жм: 9:00–13:00. "
        "Сс, Бс: 14:00–18:00.",
        lambda: plate([
            ("205-кабинет", 30, "bold"), ("Терапевт", 22, "normal"), ("Ахметова Гүлнар Серікқызы", 18, "normal"),
            ("Қабылдау уақыты:", 18, "bold"), ("Дс, Ср, Жм: 9:00–13:00", 18, "normal"),
            ("Сс, Бс: 14:00–18:00", 18, "normal")])),
    "rd-a1-health-body-pic-002": (
        "Жапсырма: ПАРАЦЕТАМОЛ. 20 таблетка. Ересектерге: 1 таблеткадан күніне 3 рет, тамақтан кейін. "
        "Балаларға: дәрігермен кеңесіңіз.",
        lambda: plate([
            ("ПАРАЦЕТАМОЛ", 30, "bold"), ("20 таблетка", 18, "normal"),
            ("Ересектерге: 1 таблеткадан", 18, "normal"), ("күніне 3 рет, тамақтан кейін", 18, "normal"),
            ("Балаларға: дәрігермен кеңесіңіз", 18, "normal")], 380)),
    # home
    "rd-a1-home-pic-001": (
        "Хабарландыру: ЖАЛҒА БЕРІЛЕДІ. 1 бөлмелі пәтер, 4-қабат. Жиһазы бар, метроға жақын. "
        "Айына 150 000 теңге. Тел.: 8 701 123 45 67.",
        lambda: plate([
            ("ЖАЛҒА БЕРІЛЕДІ", 28, "bold"), ("1 бөлмелі пәтер, 4-қабат", 20, "normal"),
            ("Жиһазы бар, метроға жақын", 18, "normal"), ("Айына 150 000 теңге", 22, "bold"),
            ("Тел.: 8 701 123 45 67", 18, "normal")], 380)),
    "rd-a1-home-pic-002": (
        "Чек: Коммуналдық төлемдер. Қазан, 2025. Су — 2 400 теңге. Жарық — 5 600 теңге. Газ — 3 000 теңге. "
        "Қоқыс шығару — 900 теңге. Барлығы: 11 900 теңге.",
        lambda: receipt([
            "Коммуналдық төлемдер", "Қазан, 2025", "---",
            "Су | 2 400 теңге", "Жарық | 5 600 теңге", "Газ | 3 000 теңге", "Қоқыс шығару | 900 теңге", "---",
            "Барлығы: | 11 900 теңге"], bold=(8,))),
    # leisure
    "rd-a1-leisure-pic-001": (
        "Билет: «АРМАН» КИНОТЕАТРЫ. Фильм: «Бала». Күні: 15.06.2025. Басталуы: 18:40. "
        "Зал: 3, қатар: 7, орын: 12. Бағасы: 2500 теңге.",
        lambda: ticket([
            "Фильм: «Бала»", "Күні: 15.06.2025", "Басталуы: 18:40", "Зал: 3, қатар: 7, орын: 12",
            "Бағасы: 2500 теңге"], "«АРМАН» КИНОТЕАТРЫ")),
    "rd-a1-leisure-pic-002": (
        "Тақта: МҰРАЖАЙ. БИЛЕТ БАҒАСЫ. Ересектер — 1000 теңге. Студенттер — 500 теңге. "
        "Мектеп оқушылары — 300 теңге. Балалар (0–6 жас) — тегін. Дүйсенбі — демалыс күні.",
        lambda: board("МҰРАЖАЙ. БИЛЕТ БАҒАСЫ", [
            ["Ересектер", "1000 теңге"], ["Студенттер", "500 теңге"], ["Мектеп оқушылары", "300 теңге"],
            ["Балалар (0–6 жас)", "тегін"], ["Дүйсенбі", "демалыс күні"]], [220, 160], dark=False)),
    # work-study
    "rd-a1-work-study-pic-001": (
        "Кесте: ҚАЗАҚ ТІЛІ КУРСЫ. А1 ТОБЫ. Дүйсенбі: 18:00–19:30, 12-аудитория. "
        "Сәрсенбі: 18:00–19:30, 12-аудитория. Сенбі: 10:00–11:30, 7-аудитория.",
        lambda: board("ҚАЗАҚ ТІЛІ КУРСЫ. А1 ТОБЫ", [
            ["Дүйсенбі", "18:00–19:30", "12-аудитория"], ["Сәрсенбі", "18:00–19:30", "12-аудитория"],
            ["Сенбі", "10:00–11:30", "7-аудитория"]], [130, 140, 150], header=["Күні", "Уақыты", "Қай жерде"],
            dark=False)),
    # greetings
    "rd-a1-greetings-pic-001": (
        "Ашықхат: Құрметті ұстаз! Мұғалімдер күнімен құттықтаймыз! Сізге денсаулық, бақыт тілейміз! "
        "5 «Б» сыныбының оқушылары.",
        lambda: plate([
            ("Құрметті ұстаз!", 28, "bold"), ("Мұғалімдер күнімен", 20, "normal"), ("құттықтаймыз!", 20, "normal"),
            ("Сізге денсаулық, бақыт тілейміз!", 18, "normal"), ("5 «Б» сыныбының оқушылары", 18, "bold")],
            380)),
    "rd-a1-greetings-pic-002": (
        "Визиттік карточка: Бауыржан Әлиев, ағылшын тілі мұғалімі. «Болашақ» мектебі, Қостанай. "
        "Тел.: 8 777 555 12 34.",
        lambda: plate([
            ("Бауыржан Әлиев", 28, "bold"), ("ағылшын тілі мұғалімі", 20, "normal"),
            ("«Болашақ» мектебі, Қостанай", 18, "normal"), ("Тел.: 8 777 555 12 34", 18, "normal")], 380)),
    # family
    "rd-a1-family-pic-001": (
        "Отбасы ағашы. Атам: Серік, 70 жаста. Әжем: Гүлнар, 68 жаста. Әкем: Марат, 45 жаста. "
        "Анам: Айгүл, 42 жаста. Мен: Дана, 15 жаста. Інім: Арман, 10 жаста.",
        lambda: family_tree(
            [(("Атам", "Серік, 70 жаста"), ("Әжем", "Гүлнар, 68 жаста")),
             (("Әкем", "Марат, 45 жаста"), ("Анам", "Айгүл, 42 жаста"))],
            [("Мен", "Дана, 15 жаста"), ("Інім", "Арман, 10 жаста")])),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    out_dir = args.content / "images"
    problems = []
    if not args.check:
        out_dir.mkdir(exist_ok=True)
    for item_id, (title, draw) in sorted(PICTURES.items()):
        data = svg(title, draw()).encode("utf-8")
        path = out_dir / f"{item_id}.svg"
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                problems.append(f"{path.name} is missing or out of date")
        elif not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    names = {f"{i}.svg" for i in PICTURES}
    for f in sorted(out_dir.glob("*")) if out_dir.is_dir() else []:
        if f.name not in names:
            problems.append(f"{f.name} has no description in draw-images.py")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
