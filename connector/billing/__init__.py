"""Call accounting: Zoom's call history → calls attributed to rooms and stays → rated by the
hotel's tariff → posted once to the guest's folio through the reporter's outbox."""
