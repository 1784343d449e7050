-- Issue 13: the first-order division (state, province, governorate) of each place, for the events table.
ALTER TABLE places ADD COLUMN admin1 VARCHAR;
