"""The front-desk console: staff sign-in, pages under /console, live notices (docs/console.md).

Pure rules live in their own modules (`passwords`, `lockout`, `csrf`, `grid`); `routes`,
`auth` and `live` are the thin web shell around them.
"""
