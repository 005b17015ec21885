"""ETL for grassroots-governance reports: report files → one tidy fact table."""
