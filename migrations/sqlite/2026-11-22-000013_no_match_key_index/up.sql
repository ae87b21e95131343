-- Nothing looks comments up by match key (it is read with each comment); its index only
-- made every import insert into a B-tree at random places.
DROP INDEX comments_match_key;
