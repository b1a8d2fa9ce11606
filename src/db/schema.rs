//! Hand-written schema shared by both backends (see `migrations/sqlite` and `migrations/postgres`).
//! Only types both backends read the same way: Integer, BigInt, Text, Bool, Date, Timestamp.

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        must_change_password -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email -> Text,
    }
}

diesel::table! {
    legacy_map (source, legacy_id) {
        source -> Text,
        legacy_id -> BigInt,
        faena_id -> Integer,
        fingerprint -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Nullable<Integer>,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    app_settings (name) {
        name -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    kinds (id) {
        id -> Integer,
        description -> Text,
        scope -> Integer,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    statuses (id) {
        id -> Integer,
        description -> Text,
        scope -> Integer,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    fronts (id) {
        id -> Integer,
        description -> Text,
        scope -> Integer,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    sites (id) {
        id -> Integer,
        description -> Text,
        category_id -> Integer,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    clients (id) {
        id -> Integer,
        description -> Text,
        client_type_id -> Nullable<Integer>,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    project_managers (id) {
        id -> Integer,
        description -> Text,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    planning_docs (id) {
        id -> Integer,
        folio -> Text,
        request_letter -> Text,
        description -> Text,
        client_id -> Nullable<Integer>,
        project_manager_id -> Nullable<Integer>,
        request_date -> Nullable<Date>,
        delivery_date -> Nullable<Date>,
        duration_days -> Nullable<Integer>,
        status -> Integer,
        record_state -> Integer,
        comment -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Integer>,
    }
}

diesel::table! {
    work_orders (id) {
        id -> Integer,
        kind_id -> Integer,
        planning_doc_id -> Nullable<Integer>,
        folio -> Text,
        oficio -> Text,
        description -> Text,
        project_manager_id -> Integer,
        client_representative -> Text,
        client_id -> Nullable<Integer>,
        status_id -> Integer,
        record_state -> Integer,
        parent_id -> Nullable<Integer>,
        revision -> Nullable<Integer>,
        planned_start -> Nullable<Date>,
        planned_end -> Nullable<Date>,
        real_start -> Nullable<Date>,
        real_end -> Nullable<Date>,
        real_end_from_status -> Bool,
        duration_days -> Nullable<Integer>,
        amount_mxn -> BigInt,
        amount_usd -> BigInt,
        front_id -> Nullable<Integer>,
        vessel_site_id -> Nullable<Integer>,
        platform_site_id -> Nullable<Integer>,
        intercom_site_id -> Nullable<Integer>,
        yard_site_id -> Nullable<Integer>,
        requires_yard -> Bool,
        yard_start -> Nullable<Date>,
        yard_end -> Nullable<Date>,
        comment -> Text,
        list_year -> Nullable<Integer>,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Integer>,
    }
}

diesel::table! {
    step_templates (id) {
        id -> Integer,
        set_id -> Integer,
        description -> Text,
        sort_order -> Integer,
        client_type_id -> Nullable<Integer>,
        comment -> Text,
        active -> Bool,
    }
}

diesel::table! {
    step_rules (id) {
        id -> Integer,
        kind_id -> Integer,
        client_id -> Nullable<Integer>,
        template_set_id -> Integer,
    }
}

diesel::table! {
    steps (id) {
        id -> Integer,
        work_order_id -> Integer,
        template_id -> Integer,
        status_id -> Integer,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        delivery_date -> Nullable<Date>,
        comment -> Text,
        link -> Nullable<Text>,
        updated_at -> Timestamp,
        description -> Text,
        position -> Integer,
    }
}

diesel::table! {
    activity_log (id) {
        id -> Integer,
        at -> Timestamp,
        user_id -> Nullable<Integer>,
        username -> Text,
        action -> Text,
        table_name -> Text,
        record_id -> Nullable<Integer>,
        field -> Nullable<Text>,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    list_versions (name) {
        name -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    units (id) {
        id -> Integer,
        clave -> Text,
        description -> Text,
        active -> Bool,
    }
}

diesel::table! {
    concepts (id) {
        id -> Integer,
        code -> Text,
        description -> Text,
        unit_id -> Integer,
        price_mxn -> BigInt,
        price_usd -> BigInt,
        annex -> Text,
        active -> Bool,
    }
}

diesel::table! {
    exchange_rates (id) {
        id -> Integer,
        rate -> BigInt,
        valid_on -> Date,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        username -> Text,
    }
}

diesel::table! {
    annex_imports (id) {
        id -> Integer,
        work_order_id -> Integer,
        active -> Bool,
        mode -> Text,
        file_name -> Text,
        file_size -> BigInt,
        rows -> Integer,
        first_day -> Nullable<Date>,
        last_day -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        username -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    annex_items (id) {
        id -> Integer,
        import_id -> Integer,
        row_number -> Integer,
        annex -> Text,
        code -> Text,
        description -> Text,
        unit -> Text,
        volume -> BigInt,
        price_mxn -> BigInt,
        price_usd -> BigInt,
    }
}

diesel::table! {
    annex_daily (id) {
        id -> Integer,
        item_id -> Integer,
        day -> Date,
        volume -> BigInt,
    }
}

diesel::table! {
    annex_error_reports (id) {
        id -> Integer,
        work_order_id -> Nullable<Integer>,
        user_id -> Nullable<Integer>,
        created_at -> Timestamp,
        file_name -> Text,
        content -> Binary,
    }
}

diesel::table! {
    schedule_versions (id) {
        id -> Integer,
        work_order_id -> Integer,
        number -> Integer,
        active -> Bool,
        source -> Text,
        file_name -> Text,
        file_size -> BigInt,
        content -> Binary,
        task_count -> Integer,
        link_count -> Integer,
        project_start -> Nullable<Date>,
        project_finish -> Nullable<Date>,
        minutes_per_day -> Integer,
        has_weights -> Bool,
        unmatched_captures -> Integer,
        progress_real -> Integer,
        progress_client -> Integer,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        username -> Text,
        calendar -> Text,
    }
}

diesel::table! {
    schedule_tasks (id) {
        id -> Integer,
        version_id -> Integer,
        uid -> Integer,
        position -> Integer,
        wbs -> Text,
        outline_level -> Integer,
        parent_uid -> Nullable<Integer>,
        name -> Text,
        start -> Date,
        finish -> Date,
        duration_minutes -> BigInt,
        milestone -> Bool,
        summary -> Bool,
        weight -> Nullable<BigInt>,
        percent_complete -> Integer,
        baseline_start -> Nullable<Date>,
        baseline_finish -> Nullable<Date>,
        critical -> Bool,
        resources -> Text,
    }
}

diesel::table! {
    schedule_links (id) {
        id -> Integer,
        version_id -> Integer,
        predecessor_uid -> Integer,
        successor_uid -> Integer,
        link_type -> Text,
        lag_tenths -> BigInt,
        lag_format -> Integer,
    }
}

diesel::table! {
    schedule_progress (id) {
        id -> Integer,
        task_id -> Integer,
        real_pct -> Nullable<Integer>,
        client_pct -> Nullable<Integer>,
        applies_on -> Date,
        comment -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        username -> Text,
    }
}

diesel::table! {
    /// Each order's step counts (W10), kept by triggers on `steps` (migration 000015).
    order_step_counts (work_order_id) {
        work_order_id -> Integer,
        total -> Integer,
        completed -> Integer,
        applicable -> Integer,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sites -> fronts (category_id));
diesel::joinable!(clients -> kinds (client_type_id));
diesel::joinable!(steps -> work_orders (work_order_id));
diesel::joinable!(steps -> step_templates (template_id));
diesel::joinable!(steps -> statuses (status_id));
diesel::joinable!(work_orders -> statuses (status_id));
diesel::joinable!(work_orders -> project_managers (project_manager_id));
diesel::joinable!(work_orders -> clients (client_id));
diesel::joinable!(work_orders -> planning_docs (planning_doc_id));
diesel::joinable!(work_orders -> fronts (front_id));
diesel::joinable!(activity_log -> users (user_id));
diesel::joinable!(concepts -> units (unit_id));
diesel::joinable!(annex_imports -> work_orders (work_order_id));
diesel::joinable!(annex_items -> annex_imports (import_id));
diesel::joinable!(annex_daily -> annex_items (item_id));
diesel::joinable!(schedule_versions -> work_orders (work_order_id));
diesel::joinable!(order_step_counts -> work_orders (work_order_id));
diesel::joinable!(schedule_tasks -> schedule_versions (version_id));
diesel::joinable!(schedule_links -> schedule_versions (version_id));
diesel::joinable!(schedule_progress -> schedule_tasks (task_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    app_settings,
    kinds,
    statuses,
    fronts,
    sites,
    clients,
    project_managers,
    planning_docs,
    work_orders,
    step_templates,
    step_rules,
    steps,
    order_step_counts,
    activity_log,
    units,
    concepts,
    exchange_rates,
    annex_imports,
    annex_items,
    annex_daily,
    annex_error_reports,
    schedule_versions,
    schedule_tasks,
    schedule_links,
    schedule_progress,
);
