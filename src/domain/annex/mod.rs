//! W14: reading an OT's Anexo C (budget items and their daily programmed volumes) from the cells
//! of a workbook, and validating it all-or-nothing against units and the concept catalog.
//! Works on a plain grid of cells, so it is tested without files; `services::annexes` feeds it
//! from calamine. Values are exact: volumes in millionths, prices in ten-thousandths (integers).
//!
//! - `decimal`: exact numbers, formatting, centavos and totals;
//! - `sheet`: cells, sheets, the header and the rows as read;
//! - `validate`: units, concepts and the all-or-nothing check;
//! - `concept_catalog`: the master catalog's own workbook.

pub mod concept_catalog;
pub mod decimal;
pub mod sheet;
pub mod validate;

pub use concept_catalog::{CatalogEntry, CatalogLayout, find_catalog_layout, read_catalog};
pub use decimal::{
    PRICE_SCALE, VOLUME_SCALE, amount_centavos, centavos, format_price, format_scaled,
    parse_scaled, scaled_from_f64, totals,
};
pub use sheet::{Cell, HEADER_SCAN_ROWS, Layout, RawRow, Sheet, find_layout, norm, read_rows};
pub use validate::{Concept, Item, Reference, RowError, Unit, validate};

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn header() -> Vec<Cell> {
        vec![
            t("Anexo"),
            t(" partida "),
            t("CONCEPTO"),
            t("Unidad"),
            t("VOLUMEN  PTE"),
            t("P.U.M.N."),
            t("P.U. USD"),
            Cell::Date(d(2025, 3, 1)),
            t("02/03/2025"),
        ]
    }

    fn catalog() -> (Vec<Unit>, Vec<Concept>) {
        let units = vec![
            Unit {
                id: 1,
                clave: "PZA".into(),
                description: "PIEZA".into(),
            },
            Unit {
                id: 3,
                clave: "M2".into(),
                description: "METRO CUADRADO".into(),
            },
        ];
        let concept = |id, code: &str, description: &str, unit_id, price_mxn| Concept {
            id,
            code: code.into(),
            description: description.into(),
            unit_id,
            price_mxn,
            price_usd: 0,
            active: true,
        };
        let concepts = vec![
            concept(1, "A-1", "Suministro de válvula", 1, 0),
            concept(2, "A-2", "Pintura anticorrosiva", 3, 12_345_000),
        ];
        (units, concepts)
    }

    #[test]
    fn the_header_is_found_on_a_later_row_of_a_preferred_sheet() {
        let other = Sheet {
            name: "Resumen".into(),
            rows: vec![header()],
        };
        let mut rows = vec![vec![t("Título")]; 6];
        rows.push(header());
        let annex = Sheet {
            name: "Anexo C-2".into(),
            rows,
        };
        let layout = find_layout(&[other, annex]).unwrap();
        assert_eq!((layout.sheet, layout.header_row), (1, 6));
        assert_eq!(
            (layout.code, layout.price_mxn, layout.price_usd),
            (1, 5, Some(6))
        );
        assert_eq!(layout.days, [(7, d(2025, 3, 1)), (8, d(2025, 3, 2))]);
    }

    #[test]
    fn a_missing_annex_column_or_header_is_said_plainly() {
        let mut h = header();
        h[0] = t("X");
        let e = find_layout(&[Sheet {
            name: "Hoja1".into(),
            rows: vec![h],
        }])
        .unwrap_err();
        assert!(e.contains("le falta la columna ANEXO"), "{e}");
        let e = find_layout(&[Sheet {
            name: "Hoja1".into(),
            rows: vec![vec![t("nada")]],
        }])
        .unwrap_err();
        assert!(e.contains("«Hoja1»"), "{e}");
    }

    fn sheet(rows: Vec<Vec<Cell>>) -> (Sheet, Layout) {
        let mut all = vec![header()];
        all.extend(rows);
        let sheet = Sheet {
            name: "ANEXO C".into(),
            rows: all,
        };
        let layout = find_layout(std::slice::from_ref(&sheet)).unwrap();
        (sheet, layout)
    }

    #[test]
    fn rows_validate_all_or_nothing_with_the_legacy_reasons() {
        let (units, concepts) = catalog();
        let reference = Reference::new(&units, &concepts);
        let row = |code: &str, desc: &str, unit: &str| {
            vec![
                t("C-1"),
                t(code),
                t(desc),
                t(unit),
                Cell::Number(2.5),
                Cell::Number(10.0),
                Cell::Empty,
                Cell::Number(1.25),
                Cell::Empty,
            ]
        };
        let (s, l) = sheet(vec![
            row("A-1", "suministro de VALVULA", "pza"),
            row("A-1", "Otra cosa", "M2"),
            row("A-9", "Pintura anticorrosiva", "M2"),
            row("Z-1", "Nada", "PZA"),
            row("A-2", "Pintura anticorrosiva", "KM"),
            row("", "sin código", "PZA"),
            row("A-2", "sin unidad", "-"),
        ]);
        let rows = read_rows(&s, &l);
        assert_eq!(rows.len(), 5, "blank code and blank unit are skipped");
        let errors = validate(&rows, &reference).unwrap_err();
        let reasons: Vec<_> = errors
            .iter()
            .map(|e| (e.sheet_row, e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    3,
                    "DESCRIPCIÓN DIFERENTE. UNIDAD DIFERENTE. Excel: 'M2' vs Catálogo: 'PZA'"
                ),
                (4, "CÓDIGO INCORRECTO. Partida 'A-9' no existe."),
                (5, "NO ENCONTRADO en catálogo."),
                (6, "Unidad 'KM' no existe en el sistema."),
            ]
        );
        let ok = validate(&rows[..1], &reference).unwrap();
        assert_eq!(ok[0].volume, 2_500_000);
        assert_eq!(ok[0].price_mxn, 100_000, "catalog price 0: the file's wins");
        assert_eq!(ok[0].days, [(d(2025, 3, 1), 1_250_000)]);
        assert_eq!(ok[0].description, "Suministro de válvula");
    }

    #[test]
    fn the_catalog_price_wins_when_above_zero_and_ok_filters_rows() {
        let (units, concepts) = catalog();
        let reference = Reference::new(&units, &concepts);
        let mut h = header();
        h.push(t("OK"));
        let row = |ok: &str| {
            vec![
                t(""),
                t("A-2"),
                t("Pintura anticorrosiva"),
                t("m2"),
                t("1,000.1234567"),
                t("$1.00"),
                t("2"),
                Cell::Empty,
                Cell::Empty,
                t(ok),
            ]
        };
        let s = Sheet {
            name: "Hoja".into(),
            rows: vec![h, row("ok"), row("no")],
        };
        let l = find_layout(std::slice::from_ref(&s)).unwrap();
        let items = validate(&read_rows(&s, &l), &reference).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].price_mxn, 12_345_000, "catalog price");
        assert_eq!(items[0].price_usd, 20_000, "file price: catalog has 0");
        assert_eq!(items[0].volume, 1_000_123_457);
        assert_eq!(items[0].annex, "S/A");
    }

    #[test]
    fn negative_or_unreadable_numbers_refuse_the_row() {
        let (units, concepts) = catalog();
        let reference = Reference::new(&units, &concepts);
        let (s, l) = sheet(vec![vec![
            t("C"),
            t("A-1"),
            t("Suministro de válvula"),
            t("PZA"),
            t("-3"),
            t("abc"),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]]);
        let errors = validate(&read_rows(&s, &l), &reference).unwrap_err();
        assert!(errors[0].reason.contains("VOLUMEN PTE"));
        assert!(errors[0].reason.contains("P.U. M.N."));
    }

    #[test]
    fn the_concept_catalog_reads_all_or_nothing() {
        let (units, _) = catalog();
        let s = Sheet {
            name: "PUEs".into(),
            rows: vec![
                vec![
                    t("ANEXO"),
                    t("PARTIDA"),
                    t("PARTIDA EXT"),
                    t("CONCEPTO"),
                    t("UNIDAD"),
                    t("P.U.M.N."),
                    t("P.U.USD"),
                ],
                vec![
                    t("C-2"),
                    t("a-1"),
                    Cell::Empty,
                    t("Suministro  de válvula"),
                    t("pza"),
                    t("$1,200.50"),
                    Cell::Empty,
                ],
                vec![
                    t("C-2"),
                    Cell::Empty,
                    t("EXT-7"),
                    t("Flete"),
                    t("SERV?"),
                    Cell::Number(3.0),
                    Cell::Empty,
                ],
                vec![
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ],
                vec![
                    t("C-2"),
                    t("A-1"),
                    Cell::Empty,
                    t("suministro de VALVULA"),
                    t("PZA"),
                    t("1"),
                    Cell::Empty,
                ],
            ],
        };
        let layout = find_catalog_layout(std::slice::from_ref(&s)).unwrap();
        let errors = read_catalog(&s, &layout, &units).unwrap_err();
        let reasons: Vec<_> = errors
            .iter()
            .map(|e| (e.sheet_row, e.code.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (3, "EXT-7", "Unidad 'SERV?' no existe en el sistema."),
                (
                    5,
                    "A-1",
                    "Partida repetida en el archivo (misma descripción y unidad)."
                ),
            ]
        );
        let ok = read_catalog(
            &Sheet {
                name: s.name.clone(),
                rows: s.rows[..2].to_vec(),
            },
            &layout,
            &units,
        )
        .unwrap();
        assert_eq!(ok[0].code, "A-1");
        assert_eq!(ok[0].description, "Suministro de válvula");
        assert_eq!(
            (ok[0].unit_id, ok[0].price_mxn, ok[0].price_usd),
            (1, 12_005_000, 0)
        );
    }
}
