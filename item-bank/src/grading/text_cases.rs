//! Table of realistic responses and the verdict each policy must give.
