from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Synthetic data and what runs on it: the demo partnership (`joinedup demo`) and the
    benchmarks (`joinedup bench …`). It sits above the domains and nothing imports it."""

    name = "joinedup.bench"
    label = "bench"
    verbose_name = "Demo and benchmarks"
