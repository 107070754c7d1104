DROP TABLE model_calls;
DROP TABLE classifications;
DROP TABLE item_events;
DROP TABLE items;
