/** The MatrixRTC core: membership parsing and session computation (private to the bundle). */
package dev.mxrtc.core;
