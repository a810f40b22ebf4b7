/**
 * MLflow REST API 2.0 wire types: only the fields skillbench reads or writes. Field names are the
 * protobuf JSON names (snake_case) from MLflow's protos/service.proto. The server omits empty
 * repeated fields and may send int64 values as strings, so readers must be lenient.
 */

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export type MlflowViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowParam {
  key: string;
  value: string;
}

export interface MlflowMetric {
  key: string;
  /** the JSON may carry "NaN", "Infinity" or "-Infinity" as strings */
  value: number;
  /** ms since the epoch */
  timestamp: number;
  step: number;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: 'active' | 'deleted';
  creation_time?: number;
  last_update_time?: number;
  tags?: MlflowTag[];
}

export interface MlflowRunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: MlflowRunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: 'active' | 'deleted';
}

export interface MlflowRunData {
  metrics?: MlflowMetric[];
  params?: MlflowParam[];
  tags?: MlflowTag[];
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data: MlflowRunData;
}

export interface LogBatchBody {
  metrics: MlflowMetric[];
  params: MlflowParam[];
  tags: MlflowTag[];
}
