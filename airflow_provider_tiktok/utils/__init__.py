"""Shared utilities (Airflow-facing)."""
