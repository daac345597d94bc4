"""The portal: the public pages that combine apps (home, about, privacy, statistics and their
charts and CSV, districts, sages, the sitemap) and the demo data. It sits above every app and may
import them all; no app imports it (``tests/sammachip/test_layers.py``).
"""
