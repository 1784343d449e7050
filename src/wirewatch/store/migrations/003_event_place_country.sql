-- The country (ISO 3166 alpha-2) of an event's place, for reports and maps.
ALTER TABLE events ADD COLUMN place_country VARCHAR;
