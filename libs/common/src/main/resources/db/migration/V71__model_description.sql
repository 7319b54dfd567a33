-- What /v1/models tells clients about a model beyond prices: a description and an OpenRouter-style architecture object
-- ({"modality","input_modalities","output_modalities","tokenizer","instruct_type"}); both optional.
ALTER TABLE models ADD COLUMN description TEXT;
ALTER TABLE models ADD COLUMN architecture JSONB CHECK (architecture IS NULL OR jsonb_typeof(architecture) = 'object');
