"""Component ids of the review, programme-list and upload pages (issue 11), prefixed by page."""

# /review
REVIEW_URL = "review-url"
REVIEW_MAIN = "review-main"
REVIEW_SCROLLED = "review-scrolled"
REVIEW_LEAGUE = "review-filter-league"
REVIEW_BANNER = "review-filter-banner"
REVIEW_INITIATIVE_FILTER = "review-filter-initiative"
REVIEW_INDICATOR_FILTER = "review-filter-indicator"
REVIEW_SEARCH = "review-filter-search"
REVIEW_QUEUE = "review-queue"
REVIEW_QUEUE_COUNT = "review-queue-count"
REVIEW_ORPHANS = "review-orphans"
REVIEW_AUDIT = "review-audit"
REVIEW_TEXT = "review-text"
REVIEW_FIELDS = "review-fields"
REVIEW_VALUE = "review-value"
REVIEW_UNIT = "review-unit"
REVIEW_QUALIFIER = "review-qualifier"
REVIEW_REGION_LEAGUE = "review-league"
REVIEW_REGION_BANNER = "review-banner"
REVIEW_TOWNSHIP = "review-township"
REVIEW_INITIATIVE = "review-initiative"  # required by the issue
REVIEW_INITIATIVE_LIST = "review-initiative-list"
REVIEW_INDICATOR = "review-indicator"
REVIEW_SCOPE = "review-scope"
REVIEW_REASON = "review-reason"  # required by the issue
REVIEW_SAVE = "review-save"  # required by the issue
REVIEW_CONFIRM = "review-confirm"
REVIEW_REJECT = "review-reject"
REVIEW_RESTORE = "review-restore"
REVIEW_ADD = "review-add"
REVIEW_SELECTION = "review-selection"
REVIEW_STATUS = "review-status"  # required by the issue
REVIEW_EXPECTED = "review-expected"
REVIEW_HISTORY = "review-history"

# /initiatives
INIT_TABLE = "initiatives-table"
INIT_NAME = "initiatives-name"
INIT_ACTION = "initiatives-action"
INIT_TARGET = "initiatives-target"
INIT_TARGET_LIST = "initiatives-target-list"
INIT_REASON = "initiatives-reason"
INIT_APPLY = "initiatives-apply"
INIT_STATUS = "initiatives-status"
INIT_REFRESH = "initiatives-refresh"

# /upload
UPLOAD = "upload-reports"  # required by the issue
UPLOAD_STATUS = "upload-status"
UPLOAD_PROGRESS = "upload-progress"
UPLOAD_RESULTS = "upload-results"
UPLOAD_JOB = "upload-job"
UPLOAD_POLL = "upload-poll"
