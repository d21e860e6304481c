package dev.localbuild.runtime.model;

/** A build's or a phase's status (the API's {@code StatusType}). */
public enum StatusType {
  SUCCEEDED,
  FAILED,
  FAULT,
  TIMED_OUT,
  IN_PROGRESS,
  STOPPED
}
