"""Apache Airflow provider for TikTok (Marketing API, Accounts API, Login Kit)."""

__version__ = "0.1.0"
