"""robots.txt (RFC 9309) and TDM reservation (DSM Art. 4) parsing."""
