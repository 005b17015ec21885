"""Component ids, prefixed by section. Outside tests rely on the REQUIRED ones: keep them."""

# Required by outside tests (issue 4): do not rename.
LEAGUE = "filters-league"
BANNER = "filters-banner"
INITIATIVE = "filters-initiative"
INITIATIVE_BASIS = "filters-initiative-basis"
TABLE = "facts-table"
DOWNLOAD_FILTERED = "download-filtered-csv"
DOWNLOAD_ALL = "download-all-csv"

# Filters
INDICATOR = "filters-indicator"
CATEGORY = "filters-category"
DATES = "filters-dates"
SEARCH = "filters-search"
RESET = "filters-reset"
URL = "page-url"
STATE = "filters-state"

# Header
HEADER_STATS = "header-stats"
SUMMARY = "summary-line"
MEASURE_NOTE = "summary-measure-note"

# Charts
CHART_LEAGUE = "chart-league"
CHART_BANNER = "chart-banner"
CHART_INITIATIVE = "chart-initiative"
CHART_HIERARCHY = "chart-hierarchy"
CHART_MAP = "chart-map"

# Table and article
TABLE_COUNT = "table-count"
ARTICLE_PANEL = "article-panel"
ARTICLE_BODY = "article-body"
ARTICLE_CLOSE = "article-close"
ARTICLE_SCROLLED = "article-scrolled"

# Downloads (the dcc.Download targets; the buttons carry the required ids)
DOWNLOAD_FILTERED_FILE = "download-filtered-file"
DOWNLOAD_ALL_FILE = "download-all-file"
DOWNLOAD_XLSX = "download-filtered-xlsx"
DOWNLOAD_XLSX_FILE = "download-xlsx-file"
CSV_HEADERS = "download-csv-headers"

# Notices, print and viewport (issue 13)
SYNTHETIC_BANNER = "header-synthetic"
FILTER_NOTICE = "filters-notice"
PRINT = "print-report"
PRINTED = "print-done"
PRINT_NOTE = "summary-print-note"
PRINT_TABLE = "print-table"
PRINT_TABLE_HTML = "print-table-html"
PRINT_TABLE_SET = "print-table-set"
MAP_PRINT_IMAGE = "chart-map-print"
VIEWPORT = "page-viewport"

# Measure view (issue 12): one value per measure, region and date
MEASURE = "measure-choice"
MEASURE_BODY = "measure-body"
MEASURE_HEADLINE = "measure-headline"
MEASURE_EXPLAIN = "measure-explain"
MEASURE_LEAGUE = "measure-chart-league"
MEASURE_BANNER = "measure-chart-banner"
MEASURE_TREND = "measure-chart-trend"
MEASURE_MAP = "measure-chart-map"
MEASURE_TABLE = "measure-table"
MEASURE_STATE = "measure-state"
MEASURE_SHOWN = "measure-shown"
MEASURE_DOWNLOAD = "measure-download-csv"
MEASURE_DOWNLOAD_FILE = "measure-download-file"
ACTIVITY_TITLE = "activity-title"
