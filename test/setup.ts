// Pin the zone so nothing in a test depends on where it runs; every test passes `now` explicitly.
process.env.TZ = 'UTC';
