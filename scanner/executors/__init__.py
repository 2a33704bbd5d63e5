"""Executors run work units (Items) in workers and stream results back."""
