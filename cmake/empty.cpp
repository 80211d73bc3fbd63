// Placeholder translation unit for a layer library whose folder has no sources yet.
