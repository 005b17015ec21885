/* Browser-side helpers of the dashboard (no data, no server calls):
   - a visible message when the browser has no WebGL (the map needs it);
   - Esc closes the source panel;
   - the map kept as a picture for printing (a WebGL canvas prints blank);
   - printing: every chart redrawn at A4 width before the print dialog, restored after. */
(function () {
    "use strict";
    var PRINT_WIDTH = 700;  // px: A4 portrait less 12 mm margins at 96 dpi

    function hasWebGL() {
        try {
            var c = document.createElement("canvas");
            return !!(window.WebGLRenderingContext && (c.getContext("webgl2") || c.getContext("webgl")));
        } catch (e) {
            return false;
        }
    }
    if (!hasWebGL()) {
        document.documentElement.classList.add("no-webgl");
    }

    document.addEventListener("keydown", function (ev) {
        if (ev.key !== "Escape") { return; }
        var panel = document.getElementById("article-panel");
        if (panel && panel.classList.contains("open")) {
            var close = document.getElementById("article-close");
            if (close) { close.click(); }
        }
    });

    // A click outside the panel closes it — except on a table row, which opens that row's article.
    document.addEventListener("click", function (ev) {
        var panel = document.getElementById("article-panel");
        if (!panel || !panel.classList.contains("open") || !ev.target || !ev.target.closest) { return; }
        // (a row of either table, or a bar, point or region of the measure view, opens its sources instead)
        if (ev.target.closest("#article-panel") || ev.target.closest("#facts-table td") ||
            ev.target.closest("#measure-table td") || ev.target.closest(".measure-chart")) { return; }
        var close = document.getElementById("article-close");
        if (close) { close.click(); }
    }, true);

    function graphs() {
        return Array.prototype.slice.call(document.querySelectorAll(".chart .js-plotly-plot"));
    }
    function mapGraph() {
        return document.querySelector("#chart-map .js-plotly-plot") || document.querySelector("#chart-map");
    }

    var mapTimer = null;
    var mapFigure = null;
    // Count the coloured (not white, not grey) pixels of a PNG: a picture taken before the
    // boundaries arrived is blank and is taken again a moment later.
    function colouredPixels(url) {
        return new Promise(function (resolve) {
            var im = new Image();
            im.onload = function () {
                var c = document.createElement("canvas");
                c.width = im.width; c.height = im.height;
                var ctx = c.getContext("2d");
                ctx.drawImage(im, 0, 0);
                var d = ctx.getImageData(0, 0, c.width, c.height).data, n = 0;
                for (var i = 0; i < d.length; i += 16) {
                    if (d[i] - Math.max(d[i + 1], d[i + 2]) > 30) { n++; }
                }
                resolve(n);
            };
            im.onerror = function () { resolve(0); };
            im.src = url;
        });
    }
    function renderMapImage(attempt) {
        attempt = attempt || 0;
        var gd = mapGraph();
        var img = document.getElementById("chart-map-print");
        if (!gd || !img || !window.Plotly || !gd.data || !hasWebGL()) { return Promise.resolve(false); }
        if (mapFigure === gd.data && img.getAttribute("src")) { return Promise.resolve(true); }
        var fig = gd.data;
        return window.Plotly.toImage(gd, {format: "png", width: PRINT_WIDTH, height: 460, scale: 1.5})
            .then(function (url) {
                return colouredPixels(url).then(function (n) {
                    if (n < 200 && attempt < 6) {
                        return new Promise(function (r) { setTimeout(r, 1000); })
                            .then(function () { return renderMapImage(attempt + 1); });
                    }
                    if (fig !== gd.data) { return renderMapImage(0); }  // the map changed meanwhile
                    img.setAttribute("src", url);
                    mapFigure = fig;
                    return true;
                });
            })
            .catch(function () { return false; });
    }
    window.dashboardMapImage = renderMapImage;
    // On a touch screen a one-finger swipe over the map scrolls the page: the map does not pan or
    // zoom by touch (plotly turns MapLibre's drag-pan on for every drag mode but select/lasso).
    var touch = ("ontouchstart" in window) || (window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
    function freeTouch(gd) {
        var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        var m = sub && sub.map;
        if (!touch || !m) { return; }
        ["dragPan", "touchZoomRotate", "touchPitch", "dragRotate"].forEach(function (h) {
            if (m[h] && m[h].isEnabled && m[h].isEnabled()) { m[h].disable(); }
        });
    }
    // The measure view's map: no touch panning either (watched like the main map, without the picture).
    function watchMeasureMap() {
        var gd = document.querySelector("#measure-chart-map .js-plotly-plot");
        if (gd && gd.on && !gd.__touchWatch) {
            gd.__touchWatch = true;
            gd.on("plotly_afterplot", function () { freeTouch(gd); });
        }
        if (gd) { freeTouch(gd); }
    }
    setInterval(watchMeasureMap, 500);
    // Re-draw the map's picture a moment after every map update (the map draws asynchronously).
    function watchMap() {
        var gd = mapGraph();
        if (gd && gd.on && !gd.__printWatch) {
            gd.__printWatch = true;
            gd.on("plotly_afterplot", function () {
                freeTouch(gd);
                clearTimeout(mapTimer);
                mapTimer = setTimeout(renderMapImage, 1200);
            });
            freeTouch(gd);
            clearTimeout(mapTimer);
            mapTimer = setTimeout(renderMapImage, 1200);
        }
    }
    setInterval(watchMap, 500);

    var resized = [];
    function beforePrint() {
        if (!window.Plotly) { return; }
        resized = [];
        graphs().forEach(function (gd) {
            if (gd.closest("#chart-map")) { return; }
            try {
                window.Plotly.relayout(gd, {width: PRINT_WIDTH});
                resized.push(gd);
            } catch (e) { /* a chart that cannot be resized prints as it is */ }
        });
    }
    function afterPrint() {
        if (!window.Plotly) { return; }
        resized.forEach(function (gd) {
            try { window.Plotly.relayout(gd, {width: null, autosize: true}); } catch (e) { /* ignore */ }
        });
        resized = [];
        window.dispatchEvent(new Event("resize"));
    }
    window.addEventListener("beforeprint", beforePrint);
    window.addEventListener("afterprint", afterPrint);

    window.dashboardPrint = function () {
        renderMapImage().then(function () { window.print(); });
    };
})();
