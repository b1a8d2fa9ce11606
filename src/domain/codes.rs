//! Catalog codes of DOMAIN.md section 2. Logic names these constants, never bare numbers.

/// OT kinds (`tipo`), also the ids of the template sets 4 and 5.
pub mod kind {
    pub const INITIAL: i32 = 4;
    pub const REPROGRAMMING: i32 = 5;
}

/// Step-template sets.
pub mod template_set {
    pub const INITIAL: i32 = 4;
    pub const REPROGRAMMING: i32 = 5;
    pub const INTERCOM: i32 = 18;
}

/// OT operational statuses.
pub mod ot_status {
    pub const ASSIGNED: i32 = 5;
    pub const CANCELLED: i32 = 6;
    pub const DEFERRED: i32 = 7;
    pub const IN_PROGRESS: i32 = 8;
    pub const SUSPENDED: i32 = 9;
    pub const FINISHED: i32 = 10;
    pub const TO_CANCEL: i32 = 11;
    pub const DEFERRED_NOT_STARTED: i32 = 16;
    pub const ALL: [i32; 8] = [
        ASSIGNED,
        IN_PROGRESS,
        SUSPENDED,
        DEFERRED,
        DEFERRED_NOT_STARTED,
        FINISHED,
        TO_CANCEL,
        CANCELLED,
    ];
}

/// Step statuses.
pub mod step_status {
    pub const PENDING: i32 = 1;
    pub const IN_PROCESS: i32 = 2;
    pub const COMPLETED: i32 = 3;
    pub const CANCELLED: i32 = 4;
    pub const NOT_APPLICABLE: i32 = 14;
}

/// `statuses.scope`: which catalog a status row belongs to.
pub mod status_scope {
    pub const OT: i32 = 2;
    pub const STEP: i32 = 4;
}

/// `fronts.scope`: the legacy table also holds the site categories.
pub mod front_scope {
    pub const WORK_FRONT: i32 = 2;
}

/// Work fronts of an OT.
pub mod front {
    pub const LAND: i32 = 1;
    pub const VESSEL: i32 = 2;
    pub const PLATFORM: i32 = 4;
}

/// Site categories.
pub mod site_category {
    pub const YARD: i32 = 3;
    pub const INTERCOM: i32 = 5;
    pub const VESSEL: i32 = 6;
    pub const PLATFORM: i32 = 7;
}

/// Record states of an OT.
pub mod record_state {
    pub const DELETED: i32 = 0;
    pub const ACTIVE: i32 = 1;
    pub const TO_DEFINE: i32 = -1;
}

/// PTE statuses.
pub mod pte_status {
    pub const PENDING: i32 = 1;
    pub const IN_PROCESS: i32 = 2;
    pub const DELIVERED: i32 = 3;
    pub const CANCELLED: i32 = 4;
    pub const SUSPENDED: i32 = 9;
    pub const ALL: [(i32, &str); 5] = [
        (PENDING, "PENDIENTE"),
        (IN_PROCESS, "PROCESO"),
        (DELIVERED, "ENTREGADA"),
        (CANCELLED, "CANCELADA"),
        (SUSPENDED, "SUSPENDIDA"),
    ];
}
