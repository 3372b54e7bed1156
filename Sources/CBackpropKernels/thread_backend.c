// The calling thread's backend setting (Backend.current in Swift).
//
// Each thread has its own, so two trainings on two threads never share a setting: a trainer
// installs its own around each step and puts the caller's back afterwards, as it does with the
// subnormal mode (float_mode.c). A thread that never set one reads zeros: the default backend.

#include "CBackpropKernels.h"

_Thread_local bp_backend_setting bp_thread_backend_setting;

bp_backend_setting bp_thread_backend(void) { return bp_thread_backend_setting; }

void bp_set_thread_backend(bp_backend_setting setting) { bp_thread_backend_setting = setting; }
