//! Localised UI strings through Project Fluent (`locales/{en,hy,az,ru}/*.ftl`).
