"""Guests' personal data: what of it the store holds, when it is erased, and how (docs/privacy.md).

`personal` decides what is personal in each stored record and blanks it (pure);
`connector.store.erasure` runs that over the store; `retention` runs it daily."""
