"""Browser tests: the classroom app in Debian's Chromium, driven by Playwright."""
