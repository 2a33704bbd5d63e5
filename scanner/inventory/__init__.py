"""The Parquet inventory: findings/, items/ and scans/ under one directory."""
