-- The halfvec indexes stay: the binary ones they replaced are not rebuilt.
SELECT 1;
