/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <pthread.h>
#include <stddef.h>

#include <systemd/sd-event.h>

/*
 * Work off the event loop. Whatever takes more than a millisecond or two (bcrypt, a poll cycle's
 * model update and rendering) runs on a thread of its own, which owns what it touches until it
 * hands it back; it wakes the loop through an eventfd that sd-event watches, and the loop takes
 * the result from there. This is the one place that starts such threads (every signal blocked in
 * them: SIGTERM, SIGCHLD and friends stay with the loop's signalfd) and wakes the loop.
 */

struct offloop_waker;

/* Called on the loop after offloop_wake() (one call may answer several wakes). */
typedef void (*offloop_woken_fn)(void *userdata);

/* A waker whose wakes call fn on loop e. 0 or -errno. */
int offloop_waker_new(sd_event *e, offloop_woken_fn fn, void *userdata, struct offloop_waker **ret);

/* From any thread: have the loop call the waker's fn. */
void offloop_wake(struct offloop_waker *w);

/* Stop watching; NULL is a no-op; returns NULL. */
struct offloop_waker *offloop_waker_free(struct offloop_waker *w);

/* Start fn(arg) on a new thread with every signal blocked; stack_size 0 for the default. 0 or
 * -errno. */
int offloop_thread_start(pthread_t *ret, size_t stack_size, void *(*fn)(void *), void *arg);
