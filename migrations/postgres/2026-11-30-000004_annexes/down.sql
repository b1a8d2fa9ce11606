DROP TABLE annex_error_reports;
DROP TABLE annex_daily;
DROP TABLE annex_items;
DROP TABLE annex_imports;
DROP TABLE exchange_rates;
DROP TABLE concepts;
DROP TABLE units;
