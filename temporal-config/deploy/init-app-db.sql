-- The app's own database beside Temporal's (temporal, temporal_visibility are made by auto-setup).
CREATE DATABASE grid_governance;
\connect grid_governance
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS ltree;
