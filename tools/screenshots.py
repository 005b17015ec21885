"""Regenerate the README's dashboard screenshots: desktop, phone and the A4 print (PDF) view.

Run:  .venv/bin/python tools/screenshots.py [--database URL] [--out assets/screenshots]

Without --database it builds a throw-away SQLite database with the real ETL: the bundled seed
page (data/raw) plus a synthetic corpus (``python -m etl synth --reports 300``), which the pages
show marked as synthetic. It starts ``python -m dashboard --include-synthetic`` on a free port,
drives Debian's Chromium (/usr/bin/chromium) with Playwright and writes:

  desktop.png   1366 px wide, whole page, the 资金 (funding) view: sums in 万/亿, 全区/区外 apart
  phone.png     390 px wide (2× pixels), the first two screens of the same view
  print.png     the first two A4 pages of Chromium's PDF of the 赤峰市 funding view (print stylesheet)

Images are reduced to 256 colours (PNG) to keep the repository small.
"""
from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
VIEW = "/?indicator=funding"
PRINT_VIEW = "/?league=赤峰市&indicator=funding"


def build_database(tmp: Path) -> str:
    """Load the seed page and 300 synthetic reports with the real ETL into a new SQLite file."""
    url = f"sqlite:///{tmp / 'screenshots.db'}"
    for args in (["synth", "--reports", "300", "--out", str(tmp / "synth")],
                 ["run", str(ROOT / "data" / "raw"), "--database", url, "--no-export"],
                 ["run", str(tmp / "synth"), "--database", url, "--no-export"]):
        subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, check=True, capture_output=True)
    return url


def start_dashboard(url: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DASHBOARD_CACHE_DIR": str(tmp / "frame-cache")}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--database", url, "--port", str(port),
                             "--include-synthetic"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the dashboard did not start")


def save_png(image, path: Path) -> None:
    """Save a Pillow image as a 256-colour PNG."""
    image.convert("RGB").quantize(colors=256, method=2).save(path, optimize=True)


def ready(page, path: str, base: str) -> None:
    page.goto(base + path)
    page.wait_for_selector("#chart-league .bars path", timeout=120000)
    page.wait_for_selector("#facts-table td", timeout=120000)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#chart-map-print[src]", state="attached", timeout=120000)  # the map has drawn


def main() -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright
    import pypdfium2 as pdfium

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", help="SQLAlchemy URL (default: seed page + 300 synthetic reports, built now)")
    ap.add_argument("--out", type=Path, default=ROOT / "assets" / "screenshots")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="screenshots_"))
    url = args.database or build_database(tmp)
    proc, base = start_dashboard(url, tmp)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = ctx.new_page()
            ready(page, VIEW, base)
            save_png(Image.open(io.BytesIO(page.screenshot(full_page=True))), args.out / "desktop.png")
            ctx.close()

            ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                      has_touch=True, locale="zh-CN")
            page = ctx.new_page()
            ready(page, VIEW, base)
            shot = page.screenshot(clip={"x": 0, "y": 0, "width": 390, "height": 844 * 2}, full_page=True)
            save_png(Image.open(io.BytesIO(shot)), args.out / "phone.png")
            ctx.close()

            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = ctx.new_page()
            ready(page, PRINT_VIEW, base)
            pdf = page.pdf(format="A4", print_background=True)
            ctx.close()
            browser.close()
        doc = pdfium.PdfDocument(pdf)
        pages = [doc[i].render(scale=1.4).to_pil() for i in range(min(2, len(doc)))]
        sheet = Image.new("RGB", (sum(p.width for p in pages) + 24 * (len(pages) + 1),
                                  max(p.height for p in pages) + 48), "#d9d4d2")
        x = 24
        for pg in pages:
            sheet.paste(pg, (x, 24))
            x += pg.width + 24
        save_png(sheet, args.out / "print.png")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    for name in ("desktop.png", "phone.png", "print.png"):
        print(f"{args.out / name}  {(args.out / name).stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
